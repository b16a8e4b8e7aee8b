// Public IP addresses as the rest of the DNS code sees them: one IPv4 and/or one IPv6 address,
// parsed from the `publicIp` setting, plus the reverse names built from them (RFC 1035 §3.5
// in-addr.arpa, RFC 3596 §2.5 ip6.arpa) used for PTR lookups and DNS blocklists (RFC 5782 §2.1).
import { isIP } from 'node:net';
import { UserError } from '../common/errors.js';

export interface PublicAddresses {
  v4: string | null;
  v6: string | null;
}

export const NO_ADDRESSES: PublicAddresses = { v4: null, v6: null };

/** `ADDR` or `ADDR,ADDR` (one IPv4 and/or one IPv6); a UserError for anything else. */
export function parsePublicIp(text: string | null | undefined): PublicAddresses {
  const out: PublicAddresses = { v4: null, v6: null };
  if (!text) return out;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const family = isIP(part);
    if (family === 4 && !out.v4) out.v4 = part;
    else if (family === 6 && !out.v6) out.v6 = part.toLowerCase();
    else throw new UserError(`invalid public IP: ${JSON.stringify(part)} (one IPv4 and/or one IPv6 address, comma-separated)`);
  }
  return out;
}

export function formatPublicIp(a: PublicAddresses): string {
  return [a.v4, a.v6].filter(Boolean).join(',');
}

/** The 32 hex digits of an IPv6 address. */
export function expandIpv6(ip: string): string {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...fill, ...tailParts].map((g) => g.padStart(4, '0')).join('');
}

/** The labels of an address in reverse order: `4.3.2.1` or 32 nibbles. */
export function reversedLabels(ip: string): string {
  if (isIP(ip) === 4) return ip.split('.').reverse().join('.');
  return expandIpv6(ip).split('').reverse().join('.');
}

/** The PTR owner name of an address. */
export function ptrName(ip: string): string {
  return `${reversedLabels(ip)}.${isIP(ip) === 4 ? 'in-addr.arpa' : 'ip6.arpa'}`;
}

/** True for addresses routable on the internet (not private, loopback, link-local, CGNAT, ULA, documentation). */
export function isGlobalAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    if (a === 10 || a === 127 || a === 0 || a >= 224) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  if (isIP(ip) === 6) {
    const hex = expandIpv6(ip);
    if (/^0{31}[01]$/.test(hex)) return false;
    if (hex.startsWith('00000000000000000000ffff')) return isGlobalAddress(ipv4FromMapped(hex));
    const first = parseInt(hex.slice(0, 4), 16);
    if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00) return false;
    return (first & 0xe000) === 0x2000;
  }
  return false;
}

function ipv4FromMapped(hex: string): string {
  const n = parseInt(hex.slice(24), 16);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
