// Check "a": the mail host's A/AAAA records are this server's public addresses, and the host is
// not a CNAME (an MX target must have its own address records, RFC 2181 §10.3, RFC 5321 §5.1).
import type { DnsRecord } from '../records.js';
import { expectedOf, failedLookupResult, lookup, normalizeName, publish, worst, type CheckContext, type CheckStatus, type DnsCheckResult, type Lookup } from './check-types.js';

const TITLE = 'Address of the mail host (A/AAAA)';

interface Part {
  status: CheckStatus;
  detail: string;
  fix: string;
}

export async function checkAddress(ctx: CheckContext): Promise<DnsCheckResult> {
  const { hostname, publicIp } = ctx.setup;
  const want = expectedOf(ctx, 'a');
  const base = { id: 'a' as const, title: TITLE, expected: want.map((r) => `${r.type} ${r.value}`) };
  const [v4, v6, cname] = await Promise.all([
    lookup(() => ctx.resolver.resolve4(hostname)),
    lookup(() => ctx.resolver.resolve6(hostname)),
    lookup(() => ctx.resolver.resolveCname(hostname)),
  ]);
  if (v4.kind === 'failed') return failedLookupResult('a', TITLE, hostname, 'A', v4);
  const found = [...(v4.kind === 'found' ? v4.value.map((a) => `A ${a}`) : []), ...(v6.kind === 'found' ? v6.value.map((a) => `AAAA ${a}`) : [])];
  if (!publicIp.v4 && !publicIp.v6) {
    return {
      ...base,
      status: 'warning',
      detail: `This server's public IP is unknown (${ctx.publicIpDetail ?? 'not set'}), so the address of ${hostname} cannot be compared with it. Found: ${found.join(', ') || 'nothing'}.`,
      fix: 'Set the public IP (the --public-ip flag or the publicIp setting), or configure a public IP echo URL.',
      found,
    };
  }
  const parts: Part[] = [];
  const family = (type: 'A' | 'AAAA', ip: string | null, got: Lookup<string[]>, level: CheckStatus) => {
    const records = want.filter((r: DnsRecord) => r.type === type);
    if (!ip) {
      if (got.kind === 'found') {
        parts.push({
          status: 'warning',
          detail: `${hostname} has ${type} ${got.value.join(', ')}, but this server has no known ${type === 'A' ? 'IPv4' : 'IPv6'} address: senders using it will fail.`,
          fix: `Remove the ${type} record of ${hostname}, or set that address as this server's public IP.`,
        });
      }
      return;
    }
    if (got.kind !== 'found') {
      parts.push({ status: level, detail: `${hostname} has no ${type} record, so senders cannot reach ${ip}.`, fix: `Publish:\n${publish(records)}` });
      return;
    }
    if (!got.value.includes(ip)) {
      parts.push({
        status: 'error',
        detail: `${hostname} resolves to ${got.value.join(', ')}, but this server's public ${type === 'A' ? 'IPv4' : 'IPv6'} address is ${ip}.`,
        fix: `Change the ${type} record to:\n${publish(records)}`,
      });
      return;
    }
    if (got.value.length > 1) {
      parts.push({
        status: 'warning',
        detail: `${hostname} also resolves to ${got.value.filter((a) => a !== ip).join(', ')}: senders trying those will not reach this server.`,
        fix: `Keep only:\n${publish(records)}`,
      });
    }
  };
  family('A', publicIp.v4, v4, 'error');
  family('AAAA', publicIp.v6, v6, publicIp.v4 ? 'warning' : 'error');
  if (cname.kind === 'found') {
    parts.push({
      status: 'warning',
      detail: `${hostname} is an alias (CNAME) of ${normalizeName(cname.value[0]!)}; an MX host must have its own A/AAAA records (RFC 2181 §10.3) and some senders refuse an alias.`,
      fix: `Replace the CNAME with:\n${publish(want)}`,
    });
  }
  const status = worst(parts.map((p) => p.status));
  if (status === 'ok') {
    return { ...base, status, detail: `${hostname} resolves to this server's public address (${[publicIp.v4, publicIp.v6].filter(Boolean).join(', ')}).`, fix: '', found };
  }
  const shown = parts.filter((p) => p.status === status);
  return { ...base, status, detail: shown.map((p) => p.detail).join(' '), fix: shown.map((p) => p.fix).join('\n'), found };
}
