// The verdict on a message arriving on port 25, computed while it streams in: authentication
// (auth/message-auth.ts), the DMARC disposition, and the spam score from the rules (HELO, reverse
// DNS, IP and URI blocklists, Date / Message-ID, the user's Bayes classifier), then the action
// per recipient by the thresholds: headers only, Junk, or refusal at SMTP time. The caller gets
// the header fields to add (Authentication-Results, X-Spam-*) grouped by recipients that share
// them, and the breakdown goes to the log. Clients in trusted networks are not inspected.
import type { Logger } from 'pino';
import { getDomain } from 'tldts';
import type { Config } from '../config/config.js';
import type { Account } from '../directory/accounts.js';
import type { DnsResolver } from '../dns/resolver.js';
import { parsePublicIp } from '../dns/public-address.js';
import type { DnsAnswerCache } from '../auth/dns-answer-cache.js';
import { MessageAuthentication, type MessageAuthVerdict } from '../auth/message-auth.js';
import { plainAddress } from '../abuse/ip-networks.js';
import type { FieldPredicate } from '../mail/header-filter.js';
import { dmarcDisposition, scoreAuthentication, type DmarcDisposition } from './auth-rules.js';
import type { BayesClassifier } from './bayes.js';
import type { DnsLookups, Listing, ReverseName } from './dns-lookups.js';
import { checkDateAndMessageId } from './header-checks.js';
import { checkHelo } from './helo-checks.js';
import { readMessageText, type MessageText } from './message-text.js';
import { bayesRule, dnsblRuleName, uriblRuleName } from './rules.js';
import { ScoreCard } from './score-card.js';
import { forgedFieldFilter, spamHeaders, type SpamAction } from './spam-headers.js';

export interface InboundFilterDeps {
  config: Config;
  resolver: DnsResolver;
  lookups: DnsLookups;
  /** Shared by the authentication checks of every message. */
  answers?: DnsAnswerCache;
  bayes: BayesClassifier;
  /** Our local domains (for HELO names that claim to be us). */
  localDomains(): string[];
  isTrusted(ip: string): boolean;
  log: Logger;
  /** A client that gave cause for suspicion (listed, refused): later connections are paused. */
  onSuspicious?(ip: string, reason: string): void;
  now?: () => number;
  random?: () => number;
}

export interface MessageFacts {
  cid: string;
  queueId: string;
  remoteAddress: string;
  helo: string;
  /** MAIL FROM ('' for the null sender). */
  sender: string;
}

export interface FilterGroup {
  /** Header fields to write ahead of the message for these recipients. */
  prefix: string;
  accounts: { account: Account; mailbox?: 'Junk' }[];
  remote: string[];
}

export type FilterDecision =
  | { refuse: { code: number; text: string; reason: string } }
  | { refuse: null; groups: FilterGroup[]; dropField: FieldPredicate };

const MAX_URI_DOMAINS = 20;

export class InboundFilter {
  constructor(private readonly deps: InboundFilterDeps) {}

  /** Start inspecting a message; null for trusted clients (nothing is checked or added). */
  inspect(facts: MessageFacts): MessageInspection | null {
    const ip = plainAddress(facts.remoteAddress);
    if (this.deps.isTrusted(ip)) return null;
    return new MessageInspection(this.deps, { ...facts, remoteAddress: ip });
  }
}

export class MessageInspection {
  private readonly auth: MessageAuthentication;
  private readonly reverse: Promise<ReverseName | null>;
  private readonly listings: Promise<Listing[]>;

  constructor(
    private readonly deps: InboundFilterDeps,
    private readonly facts: MessageFacts,
  ) {
    const { config, lookups } = deps;
    this.auth = new MessageAuthentication({ ip: facts.remoteAddress, helo: facts.helo, sender: facts.sender, hostname: config.hostname }, deps.resolver, deps.answers);
    const spamOn = config.spam.enabled;
    this.reverse = spamOn ? lookups.reverseName(facts.remoteAddress) : Promise.resolve(null);
    this.listings = spamOn ? lookups.ipListings(facts.remoteAddress, config.spam.dnsbls.map((d) => d.zone)) : Promise.resolve([]);
  }

  write(chunk: Buffer): Promise<void> {
    return this.auth.write(chunk);
  }

  abort(): void {
    this.auth.abort();
  }

  /** The verdict, once the whole message was written; `head` is its first bytes. */
  async decide(head: Buffer, recipients: { accounts: Account[]; remote: string[] }): Promise<FilterDecision> {
    const { config, log } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const [auth, reverse, listings] = await Promise.all([this.auth.end(), this.reverse, this.listings]);
    const text = readMessageText(head);
    const card = new ScoreCard(config.spam.scores);
    const disposition = dmarcDisposition(auth.dmarc, auth.arc, { ...config.trust.dmarc, arcTrustedSealers: config.trust.arcTrustedSealers }, (this.deps.random ?? Math.random)());
    scoreAuthentication(card, auth, disposition.override === 'arc');
    if (config.spam.enabled) await this.scoreClientAndContent(card, text, reverse, listings, now);

    const t = config.spam.thresholds;
    const base = { cid: this.facts.cid, proto: 'smtp', queueId: this.facts.queueId, remote: this.facts.remoteAddress, from: this.facts.sender };
    const authLog = summarizeAuth(auth, disposition);
    if (listings.length > 0) this.deps.onSuspicious?.(this.facts.remoteAddress, `listed on ${listings.map((l) => l.zone).join(', ')}`);
    if (disposition.action === 'refuse') {
      log.info({ ...base, ...authLog, score: card.total, rules: card.breakdown(), action: 'refuse', reason: 'dmarc-reject' }, 'message verdict');
      return { refuse: { code: 550, text: `5.7.1 Email rejected per DMARC policy for ${safeDomain(disposition.domain)}`, reason: 'dmarc-reject' } };
    }
    if (config.spam.enabled && card.total >= t.reject) return this.refuseAsSpam(base, authLog, card.total, card.breakdown(), 'spam-score');

    const actionFor = (score: number): SpamAction => {
      if (!config.spam.enabled) return disposition.action === 'junk' ? 'junk' : 'inbox';
      if (score >= t.reject) return 'refuse';
      if (score >= t.junk || disposition.action === 'junk') return 'junk';
      return 'inbox';
    };
    const reason = disposition.action === 'junk' ? `dmarc-${disposition.override ?? 'policy'}` : undefined;
    const prefixFor = (c: ScoreCard, action: SpamAction) =>
      auth.header + (config.spam.enabled ? spamHeaders(c, t, action === 'refuse' ? 'junk' : action, action === 'refuse' ? 'over-refuse-threshold' : reason) : '');

    const groups = new Map<string, FilterGroup>();
    const group = (prefix: string) => {
      let g = groups.get(prefix);
      if (!g) groups.set(prefix, (g = { prefix, accounts: [], remote: [] }));
      return g;
    };
    const baseAction = actionFor(card.total);
    const basePrefix = prefixFor(card, baseAction);
    if (recipients.remote.length > 0) group(basePrefix).remote.push(...recipients.remote);
    const perAccount: Record<string, { score: number; action: SpamAction; bayes?: number }> = {};
    for (const account of recipients.accounts) {
      const bayes = config.spam.enabled && config.spam.bayes.enabled ? this.classify(account, text) : null;
      let own = card;
      if (bayes) {
        own = card.clone();
        own.hit(bayesRule(bayes.probability), `p=${bayes.probability.toFixed(3)} clues=${bayes.clues}`);
      }
      const action = own === card ? baseAction : actionFor(own.total);
      perAccount[account.address] = { score: own.total, action, ...(bayes ? { bayes: Math.round(bayes.probability * 1000) / 1000 } : {}) };
      group(own === card ? basePrefix : prefixFor(own, action)).accounts.push({ account, ...(action === 'inbox' ? {} : { mailbox: 'Junk' as const }) });
    }
    const actions = Object.values(perAccount).map((a) => a.action);
    if (recipients.remote.length === 0 && actions.length > 0 && actions.every((a) => a === 'refuse')) {
      return this.refuseAsSpam(base, authLog, card.total, card.breakdown(), 'spam-score-all-recipients', perAccount);
    }
    log.info({ ...base, ...authLog, score: card.total, rules: card.breakdown(), action: baseAction, recipients: perAccount }, 'message verdict');
    return { refuse: null, groups: [...groups.values()], dropField: forgedFieldFilter(config.hostname) };
  }

  private refuseAsSpam(base: object, authLog: object, score: number, rules: Record<string, number>, reason: string, recipients?: object): FilterDecision {
    this.deps.log.info({ ...base, ...authLog, score, rules, action: 'refuse', reason, ...(recipients ? { recipients } : {}) }, 'message verdict');
    this.deps.onSuspicious?.(this.facts.remoteAddress, 'sent spam');
    return { refuse: { code: 550, text: '5.7.1 Message refused as spam', reason } };
  }

  private classify(account: Account, text: MessageText): { probability: number; clues: number } | null {
    try {
      return this.deps.bayes.classify(account.id, text);
    } catch (err) {
      this.deps.log.error({ err, account: account.address }, 'bayes classification failed');
      return null;
    }
  }

  private async scoreClientAndContent(card: ScoreCard, text: MessageText, reverse: ReverseName | null, listings: Listing[], now: number): Promise<void> {
    const { config, lookups } = this.deps;
    const publicIp = (() => {
      try {
        const p = parsePublicIp(config.publicIp);
        return [p.v4, p.v6].filter((a): a is string => a !== null);
      } catch {
        return [];
      }
    })();
    for (const hit of checkHelo(this.facts.helo, this.facts.remoteAddress, { hostname: config.hostname, domains: this.deps.localDomains(), addresses: publicIp })) {
      card.hit(hit.rule, hit.detail);
    }
    if (reverse?.status === 'none') card.hit('RDNS_NONE', this.facts.remoteAddress);
    else if (reverse?.status === 'unconfirmed') card.hit('RDNS_MISMATCH', reverse.name);
    for (const listing of listings) {
      const zone = config.spam.dnsbls.find((d) => d.zone === listing.zone)!;
      card.add(dnsblRuleName(zone.zone), zone.score, `The client's address is listed on ${zone.zone}`, listing.codes.join(' '));
    }
    for (const hit of checkDateAndMessageId(text.fields, now)) card.hit(hit.rule, hit.detail);
    // Links: the user's own blocklist, then the DNS domain blocklists.
    const blocked = config.spam.blockedUriDomains.map((d) => d.toLowerCase().replace(/^\.|\.$/g, ''));
    const own = text.urlHosts.find((h) => blocked.some((d) => h === d || h.endsWith(`.${d}`)));
    if (own) card.hit('URI_BLOCKED', own);
    const domains = [...new Set(text.urlHosts.map((h) => getDomain(h) ?? h))].slice(0, MAX_URI_DOMAINS);
    if (config.spam.uriBlocklists.length > 0 && domains.length > 0) {
      const zones = config.spam.uriBlocklists.map((z) => z.zone);
      const found = await Promise.all(domains.map(async (d) => ({ domain: d, listings: await lookups.domainListings(d, zones) })));
      for (const z of config.spam.uriBlocklists) {
        const hit = found.find((f) => f.listings.some((l) => l.zone === z.zone));
        if (hit) card.add(uriblRuleName(z.zone), z.score, `A link points to a domain listed on ${z.zone}`, hit.domain);
      }
    }
  }
}

function safeDomain(domain: string | undefined): string {
  return (domain ?? '').replace(/[^A-Za-z0-9.-]/g, '').slice(0, 253) || 'the sender domain';
}

function summarizeAuth(auth: MessageAuthVerdict, disposition: DmarcDisposition): Record<string, unknown> {
  return {
    spf: auth.spf.result,
    ...(auth.spfHelo ? { spfHelo: auth.spfHelo.result } : {}),
    dkim: auth.dkim.length ? auth.dkim.map((d) => `${d.result}:${d.domain}`) : 'none',
    arc: auth.arc.result,
    dmarc: auth.dmarc ? `${auth.dmarc.result}${auth.dmarc.policy ? ` p=${auth.dmarc.policy}` : ''}` : 'none',
    ...(disposition.action !== 'none' || disposition.override ? { dmarcAction: disposition.action, dmarcOverride: disposition.override } : {}),
  };
}
