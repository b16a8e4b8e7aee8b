// The DNS facts the spam rules use: the client's reverse name, forward-confirmed (FCrDNS: a PTR
// name whose A/AAAA records include the address), its listings on IP blocklists (RFC 5782 §2.1,
// §5: an A record in 127.0.0.0/8 under REVERSED-IP.ZONE means listed; 127.255.255.x answers are
// "query refused" codes, not listings), and link domains on domain blocklists (§2.3). Results
// per address are cached for a few minutes; a lookup that fails or times out lists nothing.
import { isIP } from 'node:net';
import type { DnsResolver } from '../dns/resolver.js';
import { ptrName, reversedLabels } from '../dns/public-address.js';

export type ReverseName = { status: 'confirmed'; name: string } | { status: 'unconfirmed'; name: string } | { status: 'none' } | { status: 'error' };

export interface Listing {
  zone: string;
  codes: string[];
}

const CACHE_MS = 5 * 60_000;
const MAX_CACHE = 10_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), ms).unref())]);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

export class DnsLookups {
  private readonly cache = new Map<string, { until: number; value: Promise<unknown> }>();

  constructor(
    private readonly resolver: DnsResolver,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    const t = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > t) return hit.value as Promise<T>;
    if (this.cache.size >= MAX_CACHE) {
      for (const [k, v] of this.cache) if (v.until <= t) this.cache.delete(k);
      if (this.cache.size >= MAX_CACHE) this.cache.clear();
    }
    const value = make();
    this.cache.set(key, { until: t + CACHE_MS, value });
    return value;
  }

  /** The client's reverse DNS name and whether it resolves back to the address. */
  reverseName(ip: string): Promise<ReverseName> {
    return this.cached(`ptr:${ip}`, async (): Promise<ReverseName> => {
      let names: string[];
      try {
        names = await withTimeout(this.resolver.resolvePtr(ptrName(ip)), this.timeoutMs);
      } catch (err) {
        return isMissing(err) ? { status: 'none' } : { status: 'error' };
      }
      if (names.length === 0) return { status: 'none' };
      const family = isIP(ip);
      for (const name of names.slice(0, 3)) {
        try {
          const addresses = await withTimeout(family === 6 ? this.resolver.resolve6(name) : this.resolver.resolve4(name), this.timeoutMs);
          if (addresses.some((a) => a.toLowerCase() === ip.toLowerCase())) return { status: 'confirmed', name: name.toLowerCase() };
        } catch {
          /* try the next name */
        }
      }
      return { status: 'unconfirmed', name: names[0]!.toLowerCase() };
    });
  }

  /** The zones listing `ip`. */
  async ipListings(ip: string, zones: readonly string[]): Promise<Listing[]> {
    const reversed = reversedLabels(ip);
    const results = await Promise.all(zones.map((zone) => this.cached(`ip:${reversed}.${zone}`, () => this.listed(`${reversed}.${zone}`, zone))));
    return results.filter((r): r is Listing => r !== null);
  }

  /** The zones listing the domain `name` (one lookup per zone). */
  async domainListings(name: string, zones: readonly string[]): Promise<Listing[]> {
    const results = await Promise.all(zones.map((zone) => this.cached(`dom:${name}.${zone}`, () => this.listed(`${name}.${zone}`, zone))));
    return results.filter((r): r is Listing => r !== null);
  }

  private async listed(query: string, zone: string): Promise<Listing | null> {
    try {
      const codes = await withTimeout(this.resolver.resolve4(query), this.timeoutMs);
      const listing = codes.filter((c) => c.startsWith('127.') && !c.startsWith('127.255.255.'));
      return listing.length > 0 ? { zone, codes: listing } : null;
    } catch {
      return null;
    }
  }
}
