// MIME header blocks of a message or part (RFC 5322 §2.2, §3.2.2 folding; RFC 2045 §5.1
// Content-Type; RFC 2183 Content-Disposition; RFC 2231 parameter continuations). Pure, tolerant:
// malformed input yields the most useful reading, never an exception.

export interface HeaderField {
  /** Field name as written. */
  name: string;
  /** Lower-case name, for lookups. */
  key: string;
  /** Unfolded value with surrounding white space removed. */
  value: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Header bytes as text: UTF-8 when they are valid UTF-8 (RFC 6532), else Latin-1 (one char per byte). */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/** Unfold (RFC 5322 §2.2.3): a line break followed by white space is removed. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '');
}

/** Split a header block (without the blank line) into fields; lines that are not fields are skipped. */
export function splitHeaderFields(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = text.split(/\r?\n/);
  let current: string | null = null;
  const flush = () => {
    if (current === null) return;
    const colon = current.indexOf(':');
    if (colon > 0) {
      const name = current.slice(0, colon).trimEnd();
      if (name && !/[\s\x00-\x1f]/.test(name)) fields.push({ name, key: name.toLowerCase(), value: current.slice(colon + 1).trim() });
    }
    current = null;
  };
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== null) {
      current += line;
      continue;
    }
    flush();
    if (line) current = line;
  }
  flush();
  return fields;
}

/** First value of a field by lower-case name. */
export function fieldValue(fields: HeaderField[], key: string): string | null {
  for (const f of fields) if (f.key === key) return f.value;
  return null;
}

export interface ParsedContentType {
  type: string;
  subtype: string;
  params: [string, string][];
}

/** Remove RFC 5322 comments (nested, outside quoted strings). */
export function stripComments(text: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && ch === '"') quoted = !quoted;
    if (!quoted) {
      if (ch === '(') {
        depth++;
        continue;
      }
      if (ch === ')' && depth > 0) {
        depth--;
        continue;
      }
    }
    if (depth === 0) out += ch;
  }
  return out;
}

/** Parse `;`-separated `name=value` parameters, merging RFC 2231 continuations (`name*0`, `name*1*`). */
export function parseParams(text: string): [string, string][] {
  const raw: [string, string][] = [];
  let i = 0;
  const s = text;
  while (i < s.length) {
    while (i < s.length && (s[i] === ';' || s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    let name = '';
    while (i < s.length && s[i] !== '=' && s[i] !== ';') name += s[i++];
    name = name.trim().toLowerCase();
    if (s[i] !== '=') {
      continue; // a bare word: ignore
    }
    i++;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    let value = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i++];
      }
      i++;
      while (i < s.length && s[i] !== ';') i++;
    } else {
      while (i < s.length && s[i] !== ';') value += s[i++];
      value = value.trim();
    }
    if (name && !/[\s"]/.test(name)) raw.push([name, value]);
  }
  return mergeContinuations(raw);
}

function mergeContinuations(raw: [string, string][]): [string, string][] {
  const out: [string, string][] = [];
  const continued = new Map<string, { parts: Map<number, string>; encoded: boolean; at: number }>();
  for (const [name, value] of raw) {
    const m = /^(.+?)\*(\d+)(\*?)$/.exec(name);
    if (!m) {
      if (!out.some(([n]) => n === name)) out.push([name, value]);
      continue;
    }
    const base = m[1]!;
    let entry = continued.get(base);
    if (!entry) {
      entry = { parts: new Map(), encoded: false, at: out.length };
      continued.set(base, entry);
      out.push([base, '']); // placeholder keeps the order
    }
    const index = Number(m[2]);
    if (index === 0 && m[3] === '*') entry.encoded = true;
    if (index < 1000 && !entry.parts.has(index)) entry.parts.set(index, value);
  }
  for (const [base, entry] of continued) {
    let joined = '';
    for (let n = 0; entry.parts.has(n); n++) joined += entry.parts.get(n);
    // As Dovecot does: an extended (charset'lang'value) result keeps the `*` name and its encoding.
    out[entry.at] = [entry.encoded ? `${base}*` : base, joined];
  }
  return out;
}

/** Parse a Content-Type value; null when it has no usable type/subtype. */
export function parseContentType(value: string | null): ParsedContentType | null {
  if (value === null) return null;
  const clean = stripComments(value);
  const semi = clean.indexOf(';');
  const head = (semi < 0 ? clean : clean.slice(0, semi)).trim().toLowerCase();
  const m = /^([!#$%&'*+\-.^_`|~0-9a-z]+)\s*\/\s*([!#$%&'*+\-.^_`|~0-9a-z]+)$/.exec(head);
  if (!m) return null;
  return { type: m[1]!, subtype: m[2]!, params: semi < 0 ? [] : parseParams(clean.slice(semi + 1)) };
}

/** Parse a Content-Disposition value: `inline`/`attachment`/... plus parameters. */
export function parseDisposition(value: string | null): { type: string; params: [string, string][] } | null {
  if (value === null) return null;
  const clean = stripComments(value);
  const semi = clean.indexOf(';');
  const type = (semi < 0 ? clean : clean.slice(0, semi)).trim().toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(type)) return null;
  return { type, params: semi < 0 ? [] : parseParams(clean.slice(semi + 1)) };
}

/** A single-token field such as Content-Transfer-Encoding, lower case; null when absent or empty. */
export function parseToken(value: string | null): string | null {
  if (value === null) return null;
  const t = stripComments(value).trim().toLowerCase();
  return t || null;
}

/**
 * The fields of a raw header block whose names are (or, with `not`, are not) in `names`, as they
 * were written (folding kept), followed by the blank line: BODY[HEADER.FIELDS (...)] (RFC 9051 §6.4.5).
 */
export function selectHeaderFields(header: Buffer, names: string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: Buffer[] = [];
  let start = 0;
  let keep = false;
  const flush = (end: number) => {
    if (keep && end > start) out.push(header.subarray(start, end));
  };
  let i = 0;
  while (i < header.length) {
    let eol = header.indexOf(10, i);
    eol = eol < 0 ? header.length : eol + 1;
    const line = header.subarray(i, eol);
    const blank = line.length <= 2 && (line[0] === 13 || line[0] === 10);
    if (blank) break;
    const continuation = line[0] === 32 || line[0] === 9;
    if (!continuation) {
      flush(i);
      start = i;
      const colon = line.indexOf(58);
      const name = colon > 0 ? line.subarray(0, colon).toString('latin1').trim().toLowerCase() : '';
      keep = name !== '' && wanted.has(name) !== not;
    }
    i = eol;
  }
  flush(i);
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}
