// Flags between IMAP and the store (RFC 9051 §2.3.2): system flags are a bitmask in the index,
// keywords are names; \Recent is session state. Parsing refuses unknown system flags.
import { UserError } from '../../common/errors.js';
import { Flag } from '../../store/maildir.js';
import { parseKeywordColumn } from '../../store/keywords.js';

const SYSTEM: [string, number][] = [
  ['\\Answered', Flag.Answered],
  ['\\Flagged', Flag.Flagged],
  ['\\Deleted', Flag.Deleted],
  ['\\Seen', Flag.Seen],
  ['\\Draft', Flag.Draft],
];

export const SYSTEM_FLAGS = SYSTEM.map(([n]) => n);

export function flagsText(flags: number, keywords: string, recent: boolean): string {
  const out: string[] = [];
  for (const [name, bit] of SYSTEM) if (flags & bit) out.push(name);
  if (recent) out.push('\\Recent');
  out.push(...parseKeywordColumn(keywords));
  return `(${out.join(' ')})`;
}

/** Split client flags into a system mask and keywords; \Recent is ignored (it cannot be stored). */
export function parseFlags(list: string[]): { flags: number; keywords: string[] } {
  let flags = 0;
  const keywords: string[] = [];
  for (const f of list) {
    if (f.startsWith('\\')) {
      if (f.toLowerCase() === '\\recent') continue;
      const hit = SYSTEM.find(([n]) => n.toLowerCase() === f.toLowerCase());
      if (!hit) throw new UserError(`Invalid system flag ${f}`, 'bad');
      flags |= hit[1];
    } else {
      if (f.length > 100) throw new UserError('Keyword too long', 'bad');
      if (!keywords.some((k) => k.toLowerCase() === f.toLowerCase())) keywords.push(f);
    }
  }
  return { flags, keywords };
}
