// Who may receive mail through the port-25 listener: local recipients only, unless the client
// authenticated (then the submission rules apply). Unknown local users get 550 5.1.1; any other
// domain, and every relay trick, gets 554 5.7.1, so we are never an open relay.
import { parseAddress } from '../mail/address.js';
import type { Resolution, RecipientResolver } from '../directory/recipients.js';
import { Replies, type SmtpReplyError } from './replies.js';

export type RecipientDecision = { ok: true; resolution: Extract<Resolution, { kind: 'deliver' }> } | { ok: false; reply: SmtpReplyError; reason: string };

export interface InboundRecipientOptions {
  canForward: boolean;
  /** Domain that the domainless `postmaster` (RFC 5321 §4.5.1) stands for. */
  postmasterDomain: string | null;
}

export function decideInboundRecipient(resolver: RecipientResolver, rawAddress: string, options: InboundRecipientOptions): RecipientDecision {
  if (rawAddress.toLowerCase() === 'postmaster') {
    if (!options.postmasterDomain) return { ok: false, reply: Replies.unknownUser(), reason: 'unknown-user' };
    rawAddress = `postmaster@${options.postmasterDomain}`;
  }
  const address = parseAddress(rawAddress);
  if (!address) return { ok: false, reply: Replies.relayDenied(), reason: 'unparseable' };
  const resolution = resolver.resolve(address);
  switch (resolution.kind) {
    case 'not-local':
      return { ok: false, reply: Replies.relayDenied(), reason: 'relay' };
    case 'relay-trick':
      return { ok: false, reply: Replies.relayDenied(), reason: 'relay-trick' };
    case 'unknown':
      return { ok: false, reply: Replies.unknownUser(), reason: 'unknown-user' };
    case 'deliver':
      if (resolution.remote.length > 0 && !options.canForward) {
        return { ok: false, reply: Replies.forwardingUnavailable(), reason: 'no-queue' };
      }
      return { ok: true, resolution };
  }
}
