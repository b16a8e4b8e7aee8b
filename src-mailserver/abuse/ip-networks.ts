// Client addresses as the abuse limits see them: the plain form of an address (IPv4-mapped IPv6
// unwrapped), lists of networks in CIDR notation (RFC 4632, RFC 4291 §2.3) matched with node's
// BlockList, and the network a client belongs to for greylisting (/24 for IPv4, /64 for IPv6).
import { BlockList, isIP } from 'node:net';
import { UserError } from '../common/errors.js';
import { expandIpv6 } from '../dns/public-address.js';

/** `::ffff:1.2.3.4` → `1.2.3.4`; IPv6 lower-cased; anything else as given. */
export function plainAddress(ip: string): string {
  if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) return ip.slice(7);
  return isIP(ip) === 6 ? ip.toLowerCase() : ip;
}

/** Parse `ADDR` or `ADDR/PREFIX`; a UserError naming the bad entry otherwise. */
export function parseCidr(text: string): { address: string; prefix: number; family: 4 | 6 } {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const family = isIP(address);
  if ((family !== 4 && family !== 6) || extra !== undefined) throw new UserError(`invalid network: ${JSON.stringify(text)} (expected ADDR or ADDR/PREFIX)`);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new UserError(`invalid prefix length in ${JSON.stringify(text)}`);
  }
  return { address, prefix, family };
}

/** A set of networks; `has(ip)` for any address form (mapped IPv4 included). */
export class NetworkList {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const { address, prefix, family } = parseCidr(entry);
      this.list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
    this.size = entries.length;
  }

  has(ip: string): boolean {
    if (this.size === 0) return false;
    const plain = plainAddress(ip);
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** The client's network for greylisting: `a.b.c.0/24` or the first 64 bits of an IPv6 address. */
export function clientNetwork(ip: string): string {
  const plain = plainAddress(ip);
  if (isIP(plain) === 4) return `${plain.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(plain) === 6) {
    const hex = expandIpv6(plain);
    return `${hex.slice(0, 16).replace(/(.{4})(?!$)/g, '$1:')}::/64`;
  }
  return plain;
}
