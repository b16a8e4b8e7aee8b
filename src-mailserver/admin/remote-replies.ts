// Remote SMTP replies in plain words with the next step (UI.md: "translate common remote replies"):
// blocklisted IP, greylisting, mailbox full, unknown user, policy or authentication rejections,
// and the connection failures that mean port 25 is blocked. RFC 3463 enhanced codes are used
// when present, the reply text otherwise. Pure functions; parseReply splits "451 4.7.1 text".
import type { RemoteReply } from './contract.js';

export function parseReply(text: string | null, statusCode: string | null = null): RemoteReply | null {
  if (!text) return null;
  const m = /^(\d{3})[ -](?:(\d\.\d{1,3}\.\d{1,3})\s+)?([\s\S]*)$/.exec(text.trim());
  const reply: RemoteReply = m
    ? { code: Number(m[1]), enhanced: m[2] ?? statusCode ?? undefined, text: m[3]!.trim() }
    : { code: statusCode?.startsWith('5') ? 550 : 451, enhanced: statusCode ?? undefined, text: text.trim() };
  if (!reply.enhanced) delete reply.enhanced;
  const explanation = explainReply(reply);
  if (explanation) reply.explanation = explanation;
  return reply;
}

const RULES: { test: (r: RemoteReply, t: string) => boolean; say: string }[] = [
  {
    test: (_r, t) => /spamhaus|spamcop|barracuda|blocklist|blacklist|\bdnsbl\b|\brbl\b|listed/.test(t),
    say: 'The receiving server refuses mail from this IP address because it is on a blocklist (common for home connections). Send this domain through the relay (smarthost), or ask the list to remove the address.',
  },
  {
    test: (r, t) => /greylist|graylist|try (again )?later|temporarily deferred/.test(t) || r.enhanced === '4.7.1',
    say: 'Greylisted: the receiving server asks new senders to come back later. Nothing to do; the next try usually gets through.',
  },
  {
    test: (r, t) => r.enhanced === '5.2.2' || r.enhanced === '4.2.2' || /mailbox (is )?full|over ?quota|quota exceeded/.test(t),
    say: 'The recipient’s mailbox is full. Only the recipient can fix it; try again later or tell them another way.',
  },
  {
    test: (r, t) => r.enhanced === '5.1.1' || /user unknown|no such user|does not exist|unknown recipient|recipient rejected|address rejected/.test(t),
    say: 'The address does not exist at the receiving server. Check the spelling with the sender.',
  },
  {
    test: (r, t) => /spf|dkim|dmarc|not authenticated|unauthenticated|authentication/.test(t) || r.enhanced === '5.7.26' || r.enhanced === '5.7.25',
    say: 'Refused for authentication: the receiving server checks SPF, DKIM or DMARC (or reverse DNS). Check the DNS page for this domain.',
  },
  {
    test: (r, t) => /ptr|reverse (dns|lookup)|rdns|hostname/.test(t),
    say: 'Refused because of reverse DNS: the IP address should point back to the mail host name. Ask your provider to set it.',
  },
  {
    test: (_r, t) => /econnrefused|connection refused/.test(t),
    say: 'The receiving server refused the connection on port 25: it is down, or something between blocks port 25. If every destination fails like this, your provider blocks port 25: use a relay.',
  },
  {
    test: (_r, t) => /etimedout|timed? ?out|ehostunreach|enetunreach|no route/.test(t),
    say: 'No answer from the receiving server on port 25. If every destination fails like this, your provider blocks port 25: use a relay.',
  },
  {
    test: (_r, t) => /enotfound|servfail|no mx|dns/.test(t),
    say: 'The destination’s mail server could not be found in DNS. Check the domain name; if it is right, their DNS has a problem.',
  },
  {
    test: (r, t) => r.code >= 500 && /policy|spam|rejected|blocked|denied/.test(t),
    say: 'The receiving server’s policy refused the message (often a spam filter). Check this domain’s DNS page and the message content.',
  },
];

export function explainReply(reply: RemoteReply): string | undefined {
  const text = reply.text.toLowerCase();
  return RULES.find((rule) => rule.test(reply, text))?.say;
}
