// Password authentication for every protocol: look the account up, verify the password hash,
// and go through the shared failed-login limiter. Unknown users cost as much time as known ones.
// Verified credentials are cached for a while (keyed by account, stored hash and a digest of the
// password), as Dovecot's auth cache does, so clients that log in often do not pay argon2 each time.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account, AccountTable } from '../directory/accounts.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { LoginLimiter } from './login-limiter.js';
import type { MetricsSink } from '../metrics/mail-metrics.js';

export type AuthResult =
  | { ok: true; account: Account }
  | { ok: false; reason: 'invalid' | 'disabled' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

export interface AuthAttempt {
  username: string;
  password: string;
  ip: string;
  proto: string;
  cid?: string;
}

const CACHE_TTL_MS = 15 * 60_000;

export class Authenticator {
  private readonly cache = new Map<string, number>();
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly accounts: AccountTable,
    readonly limiter: LoginLimiter,
    private readonly log: Logger,
    private readonly metrics?: MetricsSink,
  ) {}

  async authenticate(attempt: AuthAttempt): Promise<AuthResult> {
    const { ip, proto, cid } = attempt;
    const account = attempt.username ? this.accounts.get(attempt.username) : undefined;
    const key = account?.address ?? attempt.username.toLowerCase();
    const verdict = this.limiter.check(ip, key);
    if (!verdict.allowed) {
      this.log.warn({ cid, proto, ip, user: key, scope: verdict.scope, retryAfterMs: verdict.retryAfterMs }, 'login refused: locked out');
      this.metrics?.count('authFailures');
      return { ok: false, reason: 'locked', retryAfterMs: verdict.retryAfterMs };
    }
    let valid = false;
    if (account) {
      valid = this.cached(account, attempt.password) || (await verifyPassword(attempt.password, account.passwordHash));
    } else {
      this.dummyHash ??= hashPassword('not a real password');
      await verifyPassword(attempt.password, await this.dummyHash);
    }
    if (!valid || !account) {
      const lock = this.limiter.recordFailure(ip, key);
      this.log.warn({ cid, proto, ip, user: key, known: Boolean(account), lockout: lock.allowed ? undefined : lock }, 'login failed');
      this.metrics?.count('authFailures');
      return { ok: false, reason: 'invalid' };
    }
    if (account.disabled) {
      this.log.warn({ cid, proto, ip, user: key }, 'login refused: account disabled');
      return { ok: false, reason: 'disabled' };
    }
    this.remember(account, attempt.password);
    this.limiter.recordSuccess(ip, key);
    this.log.info({ cid, proto, ip, user: key }, 'login');
    return { ok: true, account };
  }

  private cacheKey(account: Account, password: string): string {
    return createHash('sha256').update(`${account.id}\0${account.passwordHash}\0${password}`).digest('base64');
  }

  private cached(account: Account, password: string): boolean {
    const k = this.cacheKey(account, password);
    const until = this.cache.get(k);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.cache.delete(k);
      return false;
    }
    return true;
  }

  private remember(account: Account, password: string): void {
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(this.cacheKey(account, password), Date.now() + CACHE_TTL_MS);
  }
}
