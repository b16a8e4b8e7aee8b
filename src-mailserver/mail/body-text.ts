// The searchable text of a message (RFC 9051 §6.4.4 BODY and TEXT): text parts decoded from
// their transfer encoding and charset (iconv-lite) into Unicode, header fields with encoded
// words (RFC 2047) decoded. Used by IMAP SEARCH; lower-cased for case-insensitive matching.
import iconv from 'iconv-lite';
import libmime from 'libmime';
import { decodeHeaderBytes, splitHeaderFields } from './mime-header.js';
import type { MimePart } from './mime-structure.js';
import { decodeTransferEncoding } from './transfer-encoding.js';

function charsetOf(part: MimePart): string {
  return part.params.find(([k]) => k === 'charset')?.[1] ?? 'us-ascii';
}

export function decodeCharset(bytes: Buffer, charset: string): string {
  const cs = charset.toLowerCase();
  if (cs === 'us-ascii' || cs === 'utf-8' || cs === 'utf8' || !iconv.encodingExists(cs)) return bytes.toString('utf8');
  try {
    return iconv.decode(bytes, cs);
  } catch {
    return bytes.toString('latin1');
  }
}

function decodeWords(text: string): string {
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

/** Decoded header fields `name: value` of a header block. */
export function headerText(header: Buffer): string {
  return splitHeaderFields(decodeHeaderBytes(header))
    .map((f) => `${f.name}: ${decodeWords(f.value)}`)
    .join('\n');
}

/** Decoded values of one field (lower-case name) in a header block. */
export function headerValues(header: Buffer, key: string): string[] {
  return splitHeaderFields(decodeHeaderBytes(header))
    .filter((f) => f.key === key)
    .map((f) => decodeWords(f.value));
}

/** The decoded text of every text part under `part` (attachments that are not text are skipped). */
export function bodyText(message: Buffer, part: MimePart, depth = 0): string {
  if (depth > 50) return '';
  if (part.parts) return part.parts.map((p) => bodyText(message, p, depth + 1)).join('\n');
  if (part.message) {
    const m = part.message;
    return headerText(message.subarray(m.headerStart, m.bodyStart)) + '\n' + bodyText(message, m, depth + 1);
  }
  if (part.type !== 'text') return '';
  const raw = message.subarray(part.bodyStart, part.bodyEnd);
  const decoded = decodeTransferEncoding(raw, part.encoding) ?? raw;
  return decodeCharset(decoded, charsetOf(part));
}
