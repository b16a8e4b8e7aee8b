// Reading an RFC 5322 header section (§2.2, §3.6): where it ends, its fields unfolded, and the
// addresses of an address-list field (From, Sender). Pure functions over text; nothing here
// decodes encoded-words or validates beyond what the callers need.
import addressparser from 'nodemailer/lib/addressparser/index.js';

export interface HeaderField {
  /** Field name as written. */
  name: string;
  /** Unfolded value, leading and trailing white space removed. */
  value: string;
}

/**
 * Offset of the body in `data` (just past the empty line ending the header), or -1 when the
 * header has not ended within `data`. Accepts CRLF and bare LF line ends.
 */
export function findHeaderEnd(data: Buffer | string): number {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  if (text.startsWith('\r\n')) return 2;
  if (text.startsWith('\n')) return 1;
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return -1;
  if (crlf >= 0 && (lf < 0 || crlf + 2 <= lf)) return crlf + 4;
  return lf + 2;
}

/** The fields of a header section (text up to, not including, the empty line). */
export function parseHeaderFields(header: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = header.split(/\r?\n/);
  let current: { name: string; value: string } | null = null;
  for (const line of lines) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      current.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[\x21-\x39\x3b-\x7e]+$/.test(line.slice(0, colon).trimEnd())) {
      current = null;
      continue;
    }
    current = { name: line.slice(0, colon).trimEnd(), value: line.slice(colon + 1).trim() };
    fields.push(current);
  }
  return fields;
}

/** Every value of the fields called `name` (case-insensitive). */
export function fieldValues(fields: HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() === lower).map((f) => f.value);
}

/** The mailbox addresses in an address-list value (groups flattened); empty when none parse. */
export function addressesIn(value: string): string[] {
  const out: string[] = [];
  const walk = (entries: ReturnType<typeof addressparser>) => {
    for (const e of entries) {
      if ('group' in e && e.group) walk(e.group);
      else if ('address' in e && e.address) out.push(e.address);
    }
  };
  try {
    walk(addressparser(value));
  } catch {
    return [];
  }
  return out;
}
