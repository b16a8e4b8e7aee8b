// MTA-STS (RFC 8461) for outbound delivery: look up `_mta-sts.<domain>` TXT (§3.1), fetch the
// policy from https://mta-sts.<domain>/.well-known/mta-sts.txt with a validated certificate, no
// redirects, text/plain, bounded size and time (§3.3), parse it (mailauth's parser), and cache it
// in SQLite for max_age (§5: a cached, unexpired policy is used even if a later fetch fails or
// the TXT record disappears, so an attacker cannot downgrade it). Without a usable policy,
// delivery goes on as if the domain had none (§5.1).
import { request } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Logger } from 'pino';
import { parsePolicy } from 'mailauth/lib/mta-sts.js';
import { sql, type Db } from '../directory/database.js';
import type { DnsResolver } from '../dns/resolver.js';
import { hostAddresses } from './mx-lookup.js';

export interface StsPolicy {
  id: string;
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  maxAge: number;
  expiresAt: number;
}

const MAX_POLICY_BYTES = 64 * 1024;
/** How long a TXT lookup result is trusted before asking DNS again. */
const TXT_RECHECK_MS = 5 * 60_000;

export interface MtaStsOptions {
  /** Extra CA certificates (PEM) trusted for the policy host, besides the system's. */
  ca?: string[];
  fetchTimeoutMs?: number;
  now?: () => number;
}

export class MtaStsPolicies {
  private readonly recentTxt = new Map<string, { id: string | null; at: number }>();
  private readonly inflight = new Map<string, Promise<StsPolicy | null>>();

  constructor(
    private readonly db: Db,
    private readonly resolver: DnsResolver,
    private readonly log: Logger,
    private readonly options: MtaStsOptions = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  cached(domain: string): StsPolicy | null {
    const row = sql(this.db, 'SELECT policy_id, mode, mx, max_age, expires_at FROM mta_sts_policies WHERE domain = ?').get(domain) as
      | { policy_id: string; mode: StsPolicy['mode']; mx: string; max_age: number; expires_at: number }
      | undefined;
    if (!row) return null;
    return { id: row.policy_id, mode: row.mode, mx: JSON.parse(row.mx) as string[], maxAge: row.max_age, expiresAt: row.expires_at };
  }

  /** The policy that applies to `domain` now, or null when none does. */
  policyFor(domain: string): Promise<StsPolicy | null> {
    let p = this.inflight.get(domain);
    if (!p) {
      p = this.resolve(domain).finally(() => this.inflight.delete(domain));
      this.inflight.set(domain, p);
    }
    return p;
  }

  private async resolve(domain: string): Promise<StsPolicy | null> {
    const now = this.now();
    const cached = this.cached(domain);
    const valid = cached && cached.expiresAt > now ? cached : null;
    const recent = this.recentTxt.get(domain);
    let id: string | null | undefined;
    if (recent && now - recent.at < TXT_RECHECK_MS) id = recent.id;
    else {
      id = await this.lookupId(domain);
      if (id === undefined) return valid;
      this.recentTxt.set(domain, { id, at: now });
    }
    if (id === null) return valid;
    if (valid && valid.id === id) return valid;
    try {
      const policy = await this.fetchPolicy(domain, id);
      this.store(domain, policy);
      this.log.info({ domain, mode: policy.mode, mx: policy.mx, id }, 'MTA-STS policy fetched');
      return policy;
    } catch (err) {
      this.log.warn({ domain, err: (err as Error).message }, 'MTA-STS policy could not be fetched');
      return valid;
    }
  }

  /** The policy id from DNS; null when no record; undefined when DNS failed. */
  private async lookupId(domain: string): Promise<string | null | undefined> {
    let records: string[][];
    try {
      records = await this.resolver.resolveTxt(`_mta-sts.${domain}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return null;
      return undefined;
    }
    const sts = records.map((r) => r.join('')).filter((r) => /^v=STSv1\s*(;|$)/.test(r.trim()));
    if (sts.length !== 1) return null; // none, or several: treat as no policy (§3.1)
    const m = /(?:^|;)\s*id=([A-Za-z0-9]{1,32})\s*(?:;|$)/.exec(sts[0]!);
    return m ? m[1]! : null;
  }

  private store(domain: string, policy: StsPolicy): void {
    sql(
      this.db,
      `INSERT INTO mta_sts_policies (domain, policy_id, mode, mx, max_age, fetched_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(domain) DO UPDATE SET policy_id = excluded.policy_id, mode = excluded.mode, mx = excluded.mx,
       max_age = excluded.max_age, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
    ).run(domain, policy.id, policy.mode, JSON.stringify(policy.mx), policy.maxAge, this.now(), policy.expiresAt);
  }

  private async fetchPolicy(domain: string, id: string): Promise<StsPolicy> {
    const host = `mta-sts.${domain}`;
    const addresses = await hostAddresses(this.resolver, host);
    if (addresses.kind !== 'ok' || addresses.addresses.length === 0) throw new Error(`${host} has no address`);
    const body = await this.httpsGet(addresses.addresses[0]!, host, '/.well-known/mta-sts.txt');
    const parsed = parsePolicy(body) as { mode: StsPolicy['mode']; mx?: string[]; maxAge: number };
    const maxAge = Math.min(parsed.maxAge, 31_557_600);
    return { id, mode: parsed.mode, mx: parsed.mx ?? [], maxAge, expiresAt: this.now() + maxAge * 1000 };
  }

  private httpsGet(address: string, host: string, path: string): Promise<string> {
    const timeout = this.options.fetchTimeoutMs ?? 15_000;
    return new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: address,
          family: isIP(address) || undefined,
          port: 443,
          path,
          method: 'GET',
          servername: host,
          headers: { host, 'user-agent': 'homemail-mta-sts' },
          rejectUnauthorized: true,
          ca: this.options.ca?.length ? [...rootCertificates, ...this.options.ca] : undefined,
          timeout,
          agent: false,
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`HTTP ${res.statusCode} for https://${host}${path}`));
          }
          const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (type !== 'text/plain') {
            res.resume();
            return reject(new Error(`policy served as ${type || 'no type'}, not text/plain`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_POLICY_BYTES) req.destroy(new Error('policy too large'));
            else chunks.push(c);
          });
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out fetching https://${host}${path}`)));
      req.on('error', reject);
      req.end();
    });
  }
}

/** Whether an MX host name is allowed by a policy's mx patterns (§4.1: `*.` matches one label). */
export function mxAllowed(policy: StsPolicy, mxHost: string): boolean {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  return policy.mx.some((pattern) => {
    const p = pattern.toLowerCase().replace(/\.$/, '');
    if (!p.startsWith('*.')) return p === host;
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot + 1) === p.slice(2);
  });
}
