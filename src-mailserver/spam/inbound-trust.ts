// Builds the port-25 trust machinery from the configuration: the abuse guard (limits,
// greylisting, greeting pause) and the message filter (authentication, spam score, Bayes), wired
// so that clients the filter finds listed or spamming get the guard's greeting pause next time.
// Also the Bayes trainer fed by the store's change bus, and the failed-login limiter's policy,
// shared by every protocol.
import type { Logger } from 'pino';
import { Greylist } from '../abuse/greylist.js';
import { InboundGuard } from '../abuse/inbound-guard.js';
import { DnsAnswerCache } from '../auth/dns-answer-cache.js';
import type { LimiterPolicy } from '../auth/login-limiter.js';
import type { Config } from '../config/config.js';
import type { Db } from '../directory/database.js';
import type { Directory } from '../directory/directory.js';
import type { DnsResolver } from '../dns/resolver.js';
import { BayesClassifier } from './bayes.js';
import { BayesTrainer } from './bayes-training.js';
import type { MessageStore } from '../store/message-store.js';
import { rowsForUids } from '../store/message-rows.js';
import { DnsLookups } from './dns-lookups.js';
import { InboundFilter } from './inbound-filter.js';

export interface InboundTrustDeps {
  config: Config;
  db: Db;
  directory: Directory;
  resolver: DnsResolver;
  log: Logger;
  /** The clock of rate windows, suspicion and greylisting (tests move it). */
  now?: () => number;
}

const HOUR = 3600_000;

export function createGreylist(db: Db, config: Config, now?: () => number): Greylist {
  const g = config.greylist;
  return new Greylist(db, { delayMs: g.delaySeconds * 1000, retryWindowMs: g.retryWindowHours * HOUR, passMs: g.passDays * 24 * HOUR, autoPassAfter: g.autoPassAfter }, now);
}

export function createBayes(db: Db, config: Config): BayesClassifier {
  return new BayesClassifier(db, { spam: config.spam.bayes.minSpam, ham: config.spam.bayes.minHam });
}

export function createInboundTrust(deps: InboundTrustDeps): { guard: InboundGuard; filter: InboundFilter } {
  const { config, db, directory, log } = deps;
  const guard = new InboundGuard(config, createGreylist(db, config, deps.now), log, deps.now);
  const filter = new InboundFilter({
    config,
    resolver: deps.resolver,
    lookups: new DnsLookups(deps.resolver, config.spam.lookupTimeoutMs),
    answers: new DnsAnswerCache(),
    bayes: createBayes(db, config),
    localDomains: () => directory.domains.list().map((d) => d.name),
    isTrusted: (ip) => guard.isTrusted(ip),
    log,
    onSuspicious: (ip, reason) => guard.suspicion.mark(ip, reason),
  });
  return { guard, filter };
}

export function loginLimiterPolicy(config: Config): LimiterPolicy {
  const l = config.abuse.logins;
  return {
    ipThreshold: l.ipThreshold,
    accountThreshold: l.accountThreshold,
    windowMs: l.windowSeconds * 1000,
    ipLockMs: l.ipLockSeconds * 1000,
    accountLockMs: l.accountLockSeconds * 1000,
    maxLockMs: l.maxLockSeconds * 1000,
  };
}

/** The trainer of every user's classifier, listening to the store; null when Bayes is off. */
export function createBayesTrainer(deps: { config: Config; db: Db; directory: Directory; store: MessageStore; log: Logger }): BayesTrainer | null {
  const { config, directory, store } = deps;
  if (!config.spam.enabled || !config.spam.bayes.enabled) return null;
  return new BayesTrainer({
    subscribe: (listener) => store.changes.subscribeAll(listener),
    async readMessageHead(accountId, mailboxId, uid, maxBytes) {
      const account = directory.accounts.byId(accountId);
      const mailbox = store.index.mailboxById(mailboxId);
      const row = mailbox ? rowsForUids(store.db, mailboxId, [uid])[0] : undefined;
      if (!account || !mailbox || !row) return null;
      const fh = await store.openMessage(account, mailbox, row);
      if (!fh) return null;
      try {
        const buf = Buffer.alloc(Math.min(maxBytes, row.size));
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        return buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    },
    bayes: createBayes(deps.db, config),
    log: deps.log,
  });
}
