// The failed-login limiter shared by every protocol (SMTP AUTH, IMAP, POP3, admin): failures are
// counted per client IP and per account over a window; past the threshold the IP or account is
// locked out for a while, and each further lockout doubles that time up to a ceiling. In memory:
// a restart forgives, as Dovecot's auth penalty does.

export interface LimiterPolicy {
  /** Failures from one IP within the window before it is locked out. */
  ipThreshold: number;
  /** Failures against one account within the window before it is locked out. */
  accountThreshold: number;
  windowMs: number;
  ipLockMs: number;
  accountLockMs: number;
  maxLockMs: number;
}

export const DEFAULT_LIMITER_POLICY: LimiterPolicy = {
  ipThreshold: 10,
  accountThreshold: 5,
  windowMs: 15 * 60_000,
  ipLockMs: 60_000,
  accountLockMs: 30_000,
  maxLockMs: 60 * 60_000,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
}

export type LimiterVerdict = { allowed: true } | { allowed: false; scope: 'ip' | 'account'; retryAfterMs: number };

export class LoginLimiter {
  private readonly ips = new Map<string, Entry>();
  private readonly accounts = new Map<string, Entry>();

  constructor(
    readonly policy: LimiterPolicy = DEFAULT_LIMITER_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  check(ip: string, account: string | null): LimiterVerdict {
    const t = this.now();
    const ipEntry = this.ips.get(ip);
    if (ipEntry && ipEntry.lockedUntil > t) return { allowed: false, scope: 'ip', retryAfterMs: ipEntry.lockedUntil - t };
    if (account) {
      const accEntry = this.accounts.get(account);
      if (accEntry && accEntry.lockedUntil > t) return { allowed: false, scope: 'account', retryAfterMs: accEntry.lockedUntil - t };
    }
    return { allowed: true };
  }

  /** Count a failure; returns the lockout it caused, if any. */
  recordFailure(ip: string, account: string | null): LimiterVerdict {
    const ipLock = this.fail(this.ips, ip, this.policy.ipThreshold, this.policy.ipLockMs);
    const accLock = account ? this.fail(this.accounts, account, this.policy.accountThreshold, this.policy.accountLockMs) : 0;
    if (ipLock) return { allowed: false, scope: 'ip', retryAfterMs: ipLock };
    if (accLock) return { allowed: false, scope: 'account', retryAfterMs: accLock };
    return { allowed: true };
  }

  /** A success clears the IP's and the account's failure history (not their lockout count). */
  recordSuccess(ip: string, account: string): void {
    const ipEntry = this.ips.get(ip);
    if (ipEntry) ipEntry.failures = [];
    const accEntry = this.accounts.get(account);
    if (accEntry) accEntry.failures = [];
  }

  private fail(map: Map<string, Entry>, key: string, threshold: number, baseLockMs: number): number {
    const t = this.now();
    let entry = map.get(key);
    if (!entry) map.set(key, (entry = { failures: [], lockedUntil: 0, lockouts: 0 }));
    entry.failures = entry.failures.filter((f) => f > t - this.policy.windowMs);
    entry.failures.push(t);
    if (entry.failures.length < threshold) return 0;
    const lockMs = Math.min(baseLockMs * 2 ** entry.lockouts, this.policy.maxLockMs);
    entry.lockouts++;
    entry.failures = [];
    entry.lockedUntil = t + lockMs;
    this.prune(map);
    return lockMs;
  }

  /** Bound memory: forget entries with no recent failures and no lockout in force. */
  private prune(map: Map<string, Entry>): void {
    if (map.size < 10_000) return;
    const t = this.now();
    for (const [k, e] of map) {
      if (e.lockedUntil < t && e.failures.every((f) => f < t - this.policy.windowMs)) map.delete(k);
    }
  }
}
