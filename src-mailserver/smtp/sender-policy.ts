// Who an authenticated user may send as (RFC 6409 §6.1 lets the MSA check this; Postfix calls it
// reject_sender_login_mismatch): the account's own address and its sub-addresses (user+tag), and
// every alias (exact address, not a catch-all) whose expansion reaches the account. Anything else
// is refused with 553 5.7.1, so a user cannot forge another user's or a foreign address.
import type { Account } from '../directory/accounts.js';
import type { Directory } from '../directory/directory.js';
import { normalizeLocalPart, parseAddress, splitSubaddress } from '../mail/address.js';
import { smtpReply } from './replies.js';

export function ownsAddress(directory: Directory, account: Account, raw: string): boolean {
  const address = parseAddress(raw);
  if (!address || !directory.domains.isLocal(address.domain)) return false;
  const local = normalizeLocalPart(address.local);
  const { base } = splitSubaddress(local);
  if (address.domain === account.domain && (local === account.localPart || base === account.localPart)) return true;
  // An alias of this exact address (or of its sub-address base) that reaches the account.
  const alias = directory.aliases.find(local, address.domain) ?? (base !== local ? directory.aliases.find(base, address.domain) : undefined);
  if (!alias) return false;
  const resolution = directory.recipients.resolve(address);
  return resolution.kind === 'deliver' && resolution.accounts.some((a) => a.id === account.id);
}

export const SubmissionReplies = {
  senderNotOwned: (address: string) => smtpReply(553, `5.7.1 Sender address <${address.replace(/[^\x21-\x7e]/g, '?').slice(0, 200)}> not owned by the authenticated user`),
  fromNotOwned: () => smtpReply(553, '5.7.1 The From header names an address not owned by the authenticated user'),
  noFrom: () => smtpReply(550, '5.6.0 The message has no From header'),
  headerTooLarge: () => smtpReply(552, '5.3.4 Header section too large'),
  badRecipient: () => smtpReply(553, '5.1.3 Invalid recipient address'),
  authFailed: () => smtpReply(535, '5.7.8 Authentication credentials invalid'),
  authLocked: () => smtpReply(454, '4.7.0 Too many failed logins; try again later'),
} as const;
