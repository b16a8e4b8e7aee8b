// The spam rules: each has a name, a default score and a description a user can read in the
// X-Spam-Report header and the log. Scores can be changed per name in the configuration
// (spam.scores). Blocklist rules are named after their zone: RCVD_IN_<ZONE>, URIBL_<ZONE>.

export interface RuleInfo {
  score: number;
  description: string;
}

export const RULES = {
  SPF_PASS: { score: -0.5, description: 'SPF: the sender domain permits this client' },
  SPF_FAIL: { score: 3, description: 'SPF: the sender domain forbids this client' },
  SPF_SOFTFAIL: { score: 1.5, description: 'SPF: the sender domain discourages this client (~all)' },
  SPF_NEUTRAL: { score: 0.3, description: 'SPF: the sender domain neither permits nor forbids this client' },
  SPF_NONE: { score: 0.5, description: 'SPF: the sender domain publishes no SPF record' },
  SPF_ERROR: { score: 0.5, description: 'SPF: the sender domain\'s record could not be evaluated' },
  SPF_HELO_FAIL: { score: 1, description: 'SPF: the HELO name forbids this client' },
  DKIM_VALID: { score: -0.3, description: 'DKIM: the message carries a valid signature' },
  DKIM_VALID_AUTHOR: { score: -0.5, description: 'DKIM: a valid signature of the author\'s (From) domain' },
  DKIM_INVALID: { score: 1.5, description: 'DKIM: a signature does not verify' },
  DKIM_NONE: { score: 0.3, description: 'DKIM: the message is not signed' },
  DMARC_PASS: { score: -1, description: 'DMARC: the From domain is authenticated' },
  DMARC_FAIL_REJECT: { score: 6, description: 'DMARC: not authenticated, and the From domain asks receivers to reject such mail' },
  DMARC_FAIL_QUARANTINE: { score: 4, description: 'DMARC: not authenticated, and the From domain asks receivers to treat such mail as spam' },
  DMARC_FAIL_NONE: { score: 1, description: 'DMARC: not authenticated (the From domain only monitors)' },
  DMARC_BAD_FROM: { score: 2, description: 'DMARC: no single From address to check' },
  ARC_PASS: { score: -0.2, description: 'ARC: a valid chain of custody from earlier hops' },
  ARC_FAIL: { score: 1, description: 'ARC: a broken chain of custody' },
  ARC_TRUSTED: { score: -1, description: 'ARC: a trusted forwarder vouches for a message that fails DMARC after forwarding' },
  HELO_NOT_FQDN: { score: 1.5, description: 'HELO: the client\'s name is not a fully qualified domain name' },
  HELO_BARE_IP: { score: 1, description: 'HELO: an IP address without the [brackets] of an address literal' },
  HELO_IP_MISMATCH: { score: 2, description: 'HELO: an address literal that is not the client\'s address' },
  HELO_CLAIMS_US: { score: 3, description: 'HELO: the client claims to be this server or one of its domains' },
  RDNS_NONE: { score: 1.5, description: 'The client\'s address has no reverse DNS name' },
  RDNS_MISMATCH: { score: 0.5, description: 'The client\'s reverse DNS name does not resolve back to its address' },
  DATE_MISSING: { score: 1.5, description: 'The message has no Date header' },
  DATE_INVALID: { score: 1.5, description: 'The Date header is malformed (RFC 5322 section 3.3) or repeated' },
  DATE_IN_FUTURE: { score: 1.5, description: 'The Date header is more than a day in the future' },
  DATE_IN_PAST: { score: 0.5, description: 'The Date header is more than 30 days in the past' },
  MSGID_MISSING: { score: 1.5, description: 'The message has no Message-ID header' },
  MSGID_INVALID: { score: 1, description: 'The Message-ID is malformed (RFC 5322 section 3.6.4) or repeated' },
  URI_BLOCKED: { score: 5, description: 'A link points to a domain on the local URI blocklist' },
  BAYES_00: { score: -2, description: 'Bayes: spam probability 0-5% for this user' },
  BAYES_05: { score: -1, description: 'Bayes: spam probability 5-20% for this user' },
  BAYES_20: { score: -0.2, description: 'Bayes: spam probability 20-40% for this user' },
  BAYES_50: { score: 0.8, description: 'Bayes: spam probability 40-60% for this user' },
  BAYES_60: { score: 1.5, description: 'Bayes: spam probability 60-80% for this user' },
  BAYES_80: { score: 2.5, description: 'Bayes: spam probability 80-95% for this user' },
  BAYES_95: { score: 3.5, description: 'Bayes: spam probability 95-99% for this user' },
  BAYES_99: { score: 4.5, description: 'Bayes: spam probability 99-100% for this user' },
} satisfies Record<string, RuleInfo>;

export type RuleName = keyof typeof RULES;

/** `zen.spamhaus.org` → `ZEN_SPAMHAUS_ORG`. */
function zoneSuffix(zone: string): string {
  return zone.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export function dnsblRuleName(zone: string): string {
  return `RCVD_IN_${zoneSuffix(zone)}`;
}

export function uriblRuleName(zone: string): string {
  return `URIBL_${zoneSuffix(zone)}`;
}

/** The Bayes rule for a spam probability. */
export function bayesRule(probability: number): RuleName {
  if (probability < 0.05) return 'BAYES_00';
  if (probability < 0.2) return 'BAYES_05';
  if (probability < 0.4) return 'BAYES_20';
  if (probability < 0.6) return 'BAYES_50';
  if (probability < 0.8) return 'BAYES_60';
  if (probability < 0.95) return 'BAYES_80';
  if (probability < 0.99) return 'BAYES_95';
  return 'BAYES_99';
}
