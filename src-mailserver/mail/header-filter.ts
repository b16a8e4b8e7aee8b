// Removing header fields from the start of a message (RFC 5322 §2.2: a field is its first line
// plus the folded lines after it), keeping every other byte exactly as received. Used to drop
// fields a sender must not be able to forge for us (our Authentication-Results, RFC 8601 §5;
// X-Spam-* verdicts). Pure; the header must end within the bytes given.
import { findHeaderEnd } from './header-fields.js';

export type FieldPredicate = (name: string, value: string) => boolean;

/**
 * `data` without the header fields for which `drop(name, unfoldedValue)` is true, and how many
 * were dropped; null when the header section does not end within `data`.
 */
export function removeHeaderFields(data: Buffer, drop: FieldPredicate): { data: Buffer; removed: number } | null {
  const end = findHeaderEnd(data);
  if (end < 0) return null;
  const header = data.subarray(0, end).toString('latin1');
  // Split into fields: a line starting with space or tab continues the field before it.
  const lines = header.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const fields: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  let removed = 0;
  const kept = fields.filter((field) => {
    const colon = field.indexOf(':');
    if (colon <= 0) return true;
    const name = field.slice(0, colon).trimEnd();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) return true;
    const value = field
      .slice(colon + 1)
      .replace(/\r?\n[ \t]/g, ' ')
      .trim();
    if (!drop(name, value)) return true;
    removed++;
    return false;
  });
  if (removed === 0) return { data, removed };
  return { data: Buffer.concat([Buffer.from(kept.join(''), 'latin1'), data.subarray(end)]), removed };
}
