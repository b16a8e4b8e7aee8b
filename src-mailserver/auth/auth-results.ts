// The Authentication-Results header field (RFC 8601 §2.2): our authserv-id, then one
// `method=result (comment) ptype.property=value` entry per check, each on its own folded line.
// Values that are not plain tokens or addresses are written as quoted strings; comments have
// their parentheses and backslashes escaped, so no text from the message can break the field.

export interface AuthResultRow {
  method: string;
  result: string;
  comment?: string | false;
  props: [string, string][];
}

/** A MIME token (RFC 2045 §5.1: no tspecials) or `[local-part]@domain` (RFC 8601 §2.2 pvalue). */
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/;
const ADDRESS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;

/** A pvalue (RFC 8601 §2.2): as is when it is a token or `local@domain`, else quoted. */
export function authValue(value: string): string {
  const clean = value.replace(/[\x00-\x1f\x7f]/g, '');
  if (TOKEN.test(clean) || ADDRESS.test(clean)) return clean;
  return `"${clean.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Comment text (RFC 5322 §3.2.2 ctext), bounded. */
export function authComment(text: string): string {
  return text
    .replace(/[\x00-\x1f\x7f]/g, ' ')
    .replace(/[\\()]/g, (c) => `\\${c}`)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** Method and result keywords are tokens: anything else is dropped. */
function keyword(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9._-]/g, '') || 'none';
}

export function formatAuthRow(row: AuthResultRow): string {
  const parts = [`${keyword(row.method)}=${keyword(row.result)}`];
  if (row.comment) parts.push(`(${authComment(row.comment)})`);
  for (const [name, value] of row.props) if (value) parts.push(`${keyword(name)}=${authValue(value)}`);
  return parts.join(' ');
}

/**
 * Fold an entry at spaces so no physical line passes 78 characters (RFC 5322 §2.1.1): the width
 * leaves room for the indentation of continuation lines (a tab and two spaces) and the `;`.
 */
function fold(line: string, width = 74): string {
  if (line.length <= width) return line;
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(current);
  return out.join('\r\n\t  ');
}

/** The whole field, CRLF-terminated. With no rows the result is `none` (RFC 8601 §2.2). */
export function formatAuthenticationResults(authservId: string, rows: AuthResultRow[]): string {
  const id = authservId.replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
  if (rows.length === 0) return `Authentication-Results: ${id}; none\r\n`;
  return `Authentication-Results: ${id};\r\n\t${rows.map((r) => fold(formatAuthRow(r))).join(';\r\n\t')}\r\n`;
}
