// Mailbox names as users create them (RFC 9051 §5.1): one namespace with `/` as the hierarchy
// separator, INBOX case-insensitive, names in NFC. On disk each becomes a Maildir++ folder as
// Dovecot names it (see maildir.ts folderDir), so `.`, which Maildir++ uses for hierarchy, and
// anything that could escape the account's directory (NUL, control characters, `..`, `\`) is
// refused, as are the LIST wildcards `*` and `%`.
import { UserError } from '../common/errors.js';
import { folderDir, MAILBOX_SEPARATOR } from './maildir.js';

const MAX_NAME_CHARS = 400;
const MAX_DIR_BYTES = 250;

/** The canonical form of a name for lookups: INBOX (and INBOX/...) with INBOX upper-cased, NFC. */
export function canonicalMailboxName(name: string): string {
  const nfc = name.normalize('NFC');
  const first = nfc.split(MAILBOX_SEPARATOR, 1)[0]!;
  if (first.toUpperCase() === 'INBOX') return 'INBOX' + nfc.slice(first.length);
  return nfc;
}

/** Check a name a client wants to create or rename to; returns its canonical form or throws UserError. */
export function validateNewMailboxName(name: string): string {
  const canonical = canonicalMailboxName(name);
  if (!canonical || canonical.length > MAX_NAME_CHARS) throw new UserError('Invalid mailbox name: length', 'cannot');
  if (/[\x00-\x1f\x7f]/.test(canonical)) throw new UserError('Invalid mailbox name: control character', 'cannot');
  if (/[*%]/.test(canonical)) throw new UserError('Invalid mailbox name: wildcard characters are not allowed', 'cannot');
  if (canonical.includes('.')) throw new UserError("Character not allowed in mailbox name: '.'", 'cannot');
  if (canonical.includes('\\')) throw new UserError("Character not allowed in mailbox name: '\\'", 'cannot');
  const parts = canonical.split(MAILBOX_SEPARATOR);
  if (parts.some((p) => p === '' || p.trim() !== p)) throw new UserError('Invalid mailbox name: empty or padded hierarchy level', 'cannot');
  const dir = folderDir(canonical);
  if (Buffer.byteLength(dir) > MAX_DIR_BYTES) throw new UserError('Mailbox name too long', 'cannot');
  return canonical;
}

/** The parent names of a mailbox name: `a/b/c` → [`a`, `a/b`]. */
export function parentNames(name: string): string[] {
  const parts = name.split(MAILBOX_SEPARATOR);
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join(MAILBOX_SEPARATOR));
  return out;
}
