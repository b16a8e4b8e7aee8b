// Checks of the name a client gives in HELO/EHLO (RFC 5321 §4.1.1.1: a fully qualified domain
// name, or an address literal §4.1.3 when it has none): not a FQDN, a bare IP address, an
// address literal that is not the client's address, or a name that claims to be us. Pure.
import { isIP } from 'node:net';
import type { RuleName } from './rules.js';

export interface HeloHit {
  rule: RuleName;
  detail: string;
}

export interface OurNames {
  hostname: string;
  /** Our local domains (lower-case A-labels). */
  domains: readonly string[];
  /** Our public addresses, when known. */
  addresses?: readonly string[];
}

function sameAddress(a: string, b: string): boolean {
  const norm = (ip: string) => {
    const plain = ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    if (isIP(plain) !== 6) return plain;
    // Compare IPv6 in one canonical form.
    try {
      return new URL(`http://[${plain}]/`).hostname;
    } catch {
      return plain.toLowerCase();
    }
  };
  return norm(a) === norm(b);
}

export function checkHelo(helo: string, clientIp: string, ours: OurNames): HeloHit[] {
  const name = helo.trim();
  const shown = name.slice(0, 80);
  const literal = /^\[(?:ipv6:)?([^\]]*)\]$/i.exec(name);
  if (literal) {
    const ip = literal[1]!;
    if (!isIP(ip)) return [{ rule: 'HELO_NOT_FQDN', detail: shown }];
    if (!sameAddress(ip, clientIp)) {
      const hits: HeloHit[] = [{ rule: 'HELO_IP_MISMATCH', detail: shown }];
      if (ours.addresses?.some((a) => sameAddress(a, ip))) hits.push({ rule: 'HELO_CLAIMS_US', detail: shown });
      return hits;
    }
    return [];
  }
  if (isIP(name)) {
    const hits: HeloHit[] = [{ rule: 'HELO_BARE_IP', detail: shown }];
    if (!sameAddress(name, clientIp)) hits.push({ rule: 'HELO_IP_MISMATCH', detail: shown });
    if (ours.addresses?.some((a) => sameAddress(a, name)) && !sameAddress(name, clientIp)) hits.push({ rule: 'HELO_CLAIMS_US', detail: shown });
    return hits;
  }
  const lower = name.toLowerCase().replace(/\.$/, '');
  const hits: HeloHit[] = [];
  const labels = lower.split('.');
  const fqdn =
    labels.length >= 2 &&
    labels.every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l) || /^xn--[a-z0-9-]+$/.test(l)) &&
    /[a-z]/.test(labels[labels.length - 1]!) &&
    lower.length <= 253;
  if (!fqdn) hits.push({ rule: 'HELO_NOT_FQDN', detail: shown });
  if (lower === ours.hostname.toLowerCase() || ours.domains.includes(lower)) hits.push({ rule: 'HELO_CLAIMS_US', detail: shown });
  return hits;
}
