// Greylisting (RFC 6647): for domains that turn it on, the first delivery attempt of a triplet
// (client network, envelope sender, recipient) is deferred with a 4xx; a retry after the delay
// passes, and the triplet is remembered. A client network that has retried `autoPassAfter`
// triplets passes automatically from then on (RFC 6647 §5.1's "auto-allowlisting"), since real
// mail servers retry and most spam engines do not. State is in SQLite so restarts keep it.
import { sql, type Db } from '../directory/database.js';
import { clientNetwork } from './ip-networks.js';

export interface GreylistPolicy {
  delayMs: number;
  retryWindowMs: number;
  passMs: number;
  autoPassAfter: number;
}

export type GreylistVerdict =
  | { pass: true; reason: 'disabled' | 'client' | 'known' | 'retried' }
  | { pass: false; reason: 'new' | 'too-soon'; retryAfterMs: number; network: string };

interface TripletRow {
  first_seen: number;
  last_seen: number;
  passed_at: number | null;
}

const CLEANUP_EVERY_MS = 60 * 60_000;

/**
 * The sender part of a triplet: lower case, BATV tags (`prvs=TAG=user@`) removed and runs of
 * digits folded, so senders whose address changes per message (VERP, bounce tokens) keep one
 * triplet, as postgrey does.
 */
export function greylistSender(sender: string): string {
  let s = sender.toLowerCase();
  const batv = /^(?:prvs|msprvs\d*|btv1)=[^=@]*=(.+@.+)$/.exec(s);
  if (batv) s = batv[1]!;
  const at = s.lastIndexOf('@');
  if (at < 0) return s;
  return s.slice(0, at).replace(/\d+/g, '#') + s.slice(at);
}

/** Whether the domain greylists (off unless turned on). */
export function greylistingEnabled(db: Db, domainId: number): boolean {
  return sql(db, 'SELECT 1 FROM greylist_domains WHERE domain_id = ?').get(domainId) !== undefined;
}

export function setGreylisting(db: Db, domainId: number, enabled: boolean): void {
  if (enabled) sql(db, 'INSERT OR IGNORE INTO greylist_domains (domain_id, enabled_at) VALUES (?, ?)').run(domainId, Date.now());
  else sql(db, 'DELETE FROM greylist_domains WHERE domain_id = ?').run(domainId);
}

export class Greylist {
  private lastCleanup = 0;

  constructor(
    private readonly db: Db,
    private readonly policy: GreylistPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  isEnabled(domainId: number): boolean {
    return greylistingEnabled(this.db, domainId);
  }

  /** Decide one RCPT: `recipient` in a domain with id `domainId`, from `ip` for `sender`. */
  check(input: { ip: string; sender: string; recipient: string; domainId: number }): GreylistVerdict {
    if (!this.isEnabled(input.domainId)) return { pass: true, reason: 'disabled' };
    const t = this.now();
    this.cleanup(t);
    const network = clientNetwork(input.ip);
    const client = sql(this.db, 'SELECT passes, last_pass FROM greylist_clients WHERE network = ?').get(network) as
      | { passes: number; last_pass: number }
      | undefined;
    if (client && client.passes >= this.policy.autoPassAfter && client.last_pass > t - this.policy.passMs) {
      sql(this.db, 'UPDATE greylist_clients SET last_pass = ? WHERE network = ?').run(t, network);
      return { pass: true, reason: 'client' };
    }
    const sender = greylistSender(input.sender);
    const recipient = input.recipient.toLowerCase();
    const key = [network, sender, recipient] as const;
    const row = sql(this.db, 'SELECT first_seen, last_seen, passed_at FROM greylist_triplets WHERE network = ? AND sender = ? AND recipient = ?').get(...key) as
      | TripletRow
      | undefined;
    const stale = row && (row.passed_at === null ? row.first_seen < t - this.policy.retryWindowMs : row.last_seen < t - this.policy.passMs);
    if (!row || stale) {
      sql(
        this.db,
        `INSERT INTO greylist_triplets (network, sender, recipient, first_seen, last_seen, passed_at, attempts) VALUES (?, ?, ?, ?, ?, NULL, 1)
         ON CONFLICT (network, sender, recipient) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, passed_at = NULL, attempts = 1`,
      ).run(...key, t, t);
      if (this.policy.delayMs === 0) return this.pass(key, network, t);
      return { pass: false, reason: 'new', retryAfterMs: this.policy.delayMs, network };
    }
    if (row.passed_at !== null) {
      sql(this.db, 'UPDATE greylist_triplets SET last_seen = ? WHERE network = ? AND sender = ? AND recipient = ?').run(t, ...key);
      return { pass: true, reason: 'known' };
    }
    if (t - row.first_seen < this.policy.delayMs) {
      sql(this.db, 'UPDATE greylist_triplets SET last_seen = ?, attempts = attempts + 1 WHERE network = ? AND sender = ? AND recipient = ?').run(t, ...key);
      return { pass: false, reason: 'too-soon', retryAfterMs: row.first_seen + this.policy.delayMs - t, network };
    }
    return this.pass(key, network, t);
  }

  private pass(key: readonly [string, string, string], network: string, t: number): GreylistVerdict {
    this.db.transaction(() => {
      sql(this.db, 'UPDATE greylist_triplets SET passed_at = ?, last_seen = ? WHERE network = ? AND sender = ? AND recipient = ?').run(t, t, ...key);
      sql(
        this.db,
        `INSERT INTO greylist_clients (network, passes, last_pass) VALUES (?, 1, ?)
         ON CONFLICT (network) DO UPDATE SET passes = CASE WHEN last_pass < ? THEN 1 ELSE passes + 1 END, last_pass = excluded.last_pass`,
      ).run(network, t, t - this.policy.passMs);
    })();
    return { pass: true, reason: 'retried' };
  }

  /** Forget unretried attempts past the retry window and passes past their lifetime (hourly). */
  private cleanup(t: number): void {
    if (t - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = t;
    sql(this.db, 'DELETE FROM greylist_triplets WHERE (passed_at IS NULL AND first_seen < ?) OR (passed_at IS NOT NULL AND last_seen < ?)').run(
      t - this.policy.retryWindowMs,
      t - this.policy.passMs,
    );
    sql(this.db, 'DELETE FROM greylist_clients WHERE last_pass < ?').run(t - this.policy.passMs);
  }
}
