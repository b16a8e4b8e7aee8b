// Builds the port-25 trust machinery from the configuration: the abuse guard (limits,
// greylisting, greeting pause) and the message filter (authentication, spam score, Bayes), wired
// so that clients the filter finds listed or spamming get the guard's greeting pause next time.
// Also the failed-login limiter's policy, shared by every protocol.
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
import { DnsLookups } from './dns-lookups.js';
import { InboundFilter } from './inbound-filter.js';

export interface InboundTrustDeps {
  config: Config;
  db: Db;
  directory: Directory;
  resolver: DnsResolver;
  log: Logger;
}

const HOUR = 3600_000;

export function createGreylist(db: Db, config: Config): Greylist {
  const g = config.greylist;
  return new Greylist(db, { delayMs: g.delaySeconds * 1000, retryWindowMs: g.retryWindowHours * HOUR, passMs: g.passDays * 24 * HOUR, autoPassAfter: g.autoPassAfter });
}

export function createBayes(db: Db, config: Config): BayesClassifier {
  return new BayesClassifier(db, { spam: config.spam.bayes.minSpam, ham: config.spam.bayes.minHam });
}

export function createInboundTrust(deps: InboundTrustDeps): { guard: InboundGuard; filter: InboundFilter } {
  const { config, db, directory, log } = deps;
  const guard = new InboundGuard(config, createGreylist(db, config), log);
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
