// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts in preference order (equal
// preferences shuffled), else the domain itself as an implicit MX when it has no MX records but
// has addresses. A Null MX (RFC 7505: one MX of preference 0 and exchange ".") means the domain
// accepts no mail: a permanent failure. A missing domain is permanent; a DNS failure is temporary.
import type { DnsResolver } from '../dns/resolver.js';

export interface MxHost {
  name: string;
  priority: number;
  /** True for the implicit MX (the domain's own address records). */
  implicit: boolean;
}

export type MxLookup =
  | { kind: 'hosts'; hosts: MxHost[] }
  | { kind: 'null-mx' }
  | { kind: 'no-domain' }
  | { kind: 'no-mail-host' }
  | { kind: 'temp-error'; detail: string };

/** Error codes node:dns uses for "the name does not exist" and "no records of this type". */
const NXDOMAIN = 'ENOTFOUND';
const NODATA = 'ENODATA';

function dnsCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'ERROR';
}

export async function lookupMx(resolver: DnsResolver, domain: string, random: () => number = Math.random): Promise<MxLookup> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (err) {
    const code = dnsCode(err);
    if (code === NXDOMAIN) return { kind: 'no-domain' };
    if (code !== NODATA) return { kind: 'temp-error', detail: `MX lookup for ${domain} failed (${code})` };
    records = [];
  }
  const nullMx = records.filter((r) => r.exchange === '' || r.exchange === '.');
  const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
  if (nullMx.length > 0 && real.length === 0) return { kind: 'null-mx' };
  if (real.length === 0) {
    // No MX: the domain itself, if it has an address (RFC 5321 §5.1 implicit MX).
    const addresses = await hostAddresses(resolver, domain);
    if (addresses.kind === 'temp-error') return addresses;
    if (addresses.kind === 'no-domain') return { kind: 'no-domain' };
    if (addresses.addresses.length === 0) return { kind: 'no-mail-host' };
    return { kind: 'hosts', hosts: [{ name: domain, priority: 0, implicit: true }] };
  }
  const keyed = real.map((r) => ({ r, k: random() }));
  keyed.sort((a, b) => a.r.priority - b.r.priority || a.k - b.k);
  return { kind: 'hosts', hosts: keyed.map(({ r }) => ({ name: r.exchange.replace(/\.$/, '').toLowerCase(), priority: r.priority, implicit: false })) };
}

export type AddressLookup = { kind: 'ok'; addresses: string[] } | { kind: 'no-domain' } | { kind: 'temp-error'; detail: string };

/** IPv4 then IPv6 addresses of a host. Missing records of one family are not an error. */
export async function hostAddresses(resolver: DnsResolver, name: string): Promise<AddressLookup> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses: string[] = [];
  let nx = 0;
  const errors: string[] = [];
  for (const r of [v4, v6]) {
    if (r.status === 'fulfilled') addresses.push(...r.value);
    else {
      const code = dnsCode(r.reason);
      if (code === NXDOMAIN) nx++;
      else if (code !== NODATA) errors.push(code);
    }
  }
  if (addresses.length > 0) return { kind: 'ok', addresses };
  if (errors.length > 0) return { kind: 'temp-error', detail: `address lookup for ${name} failed (${errors[0]})` };
  if (nx === 2) return { kind: 'no-domain' };
  return { kind: 'ok', addresses: [] };
}
