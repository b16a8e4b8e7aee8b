// Mailbox names on the wire (RFC 9051 §5.1, RFC 6855 UTF8=ACCEPT): clients that enabled
// UTF8=ACCEPT or IMAP4rev2 send and receive UTF-8; IMAP4rev1 clients use modified UTF-7. Also
// LIST pattern matching (§6.3.9: `*` matches anything, `%` anything but the separator).
import { UserError } from '../../common/errors.js';
import { decodeMutf7, encodeMutf7 } from '../../mail/mutf7.js';
import { MAILBOX_SEPARATOR } from '../../store/maildir.js';
import { canonicalMailboxName } from '../../store/mailbox-names.js';

export function decodeMailboxName(wire: string, utf8: boolean): string {
  if (utf8) return canonicalMailboxName(wire);
  if (/[^\x20-\x7e]/.test(wire)) return canonicalMailboxName(wire); // 8-bit from a rev1 client: take it as UTF-8
  const decoded = decodeMutf7(wire);
  if (decoded === null) throw new UserError('Mailbox name is not valid mUTF-7', 'cannot');
  return canonicalMailboxName(decoded);
}

export function encodeMailboxName(name: string, utf8: boolean): string {
  return utf8 ? name : encodeMutf7(name);
}

/** A matcher for a LIST reference + pattern (both already decoded). */
export function listMatcher(reference: string, pattern: string): (name: string) => boolean {
  let full = pattern;
  if (reference) full = reference.endsWith(MAILBOX_SEPARATOR) || pattern.startsWith(MAILBOX_SEPARATOR) ? reference + pattern : reference + MAILBOX_SEPARATOR + pattern;
  const sep = MAILBOX_SEPARATOR.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let source = '';
  for (const ch of full) {
    if (ch === '*') source += '.*';
    else if (ch === '%') source += `[^${sep}]*`;
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, 'su');
  // INBOX matches case-insensitively (§5.1).
  const inboxRe = /^inbox/i.test(full) ? new RegExp(`^${source.replace(/^inbox/i, 'INBOX')}$`, 'su') : null;
  return (name: string) => re.test(name) || (inboxRe !== null && inboxRe.test(name));
}
