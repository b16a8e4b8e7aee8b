// Check "ptr": the reverse DNS of the public IP names the mail host, and that name resolves back
// to the same address (forward-confirmed reverse DNS, RFC 8601 §3 "iprev"). Receivers refuse or
// junk mail from addresses that fail it. Only the address's provider can set a PTR.
import { ptrName } from '../public-address.js';
import { lookup, normalizeName, worst, type CheckContext, type CheckStatus, type DnsCheckResult } from './check-types.js';

const TITLE = 'Reverse DNS (PTR) of the public IP';

export async function checkPtr(ctx: CheckContext): Promise<DnsCheckResult> {
  const { hostname, publicIp } = ctx.setup;
  const base = { id: 'ptr' as const, title: TITLE };
  const askProvider = (ip: string) => `Ask the provider of ${ip} (your ISP or hosting company; many VPS panels have a "reverse DNS" field) to set its reverse DNS to ${hostname}.`;
  const addresses = [publicIp.v4, publicIp.v6].filter((a): a is string => a !== null);
  if (addresses.length === 0) {
    return {
      ...base,
      status: 'warning',
      detail: `This server's public IP is unknown (${ctx.publicIpDetail ?? 'not set'}), so its reverse DNS cannot be checked.`,
      fix: 'Set the public IP (the --public-ip flag or the publicIp setting), or configure a public IP echo URL.',
      found: [],
      expected: [],
    };
  }
  const parts: { status: CheckStatus; detail: string; fix: string }[] = [];
  const found: string[] = [];
  for (const ip of addresses) {
    // An IPv6 problem is a warning while IPv4 works; on its own it is an error.
    const severity: CheckStatus = ip === publicIp.v6 && publicIp.v4 ? 'warning' : 'error';
    const names = await lookup(() => ctx.resolver.resolvePtr(ptrName(ip)));
    if (names.kind === 'failed') {
      parts.push({ status: severity, detail: `Could not look up the reverse DNS of ${ip} (${names.code}).`, fix: 'Check the network and the DNS server, then check again.' });
      continue;
    }
    if (names.kind === 'missing') {
      parts.push({ status: severity, detail: `${ip} has no reverse DNS (PTR); many receivers refuse or junk mail from such addresses.`, fix: askProvider(ip) });
      continue;
    }
    const list = names.value.map(normalizeName);
    found.push(...list.map((n) => `${ip} → ${n}`));
    if (!list.includes(hostname)) {
      parts.push({ status: severity, detail: `The reverse DNS of ${ip} is ${list.join(', ')}, not ${hostname}; receivers compare it with our greeting.`, fix: askProvider(ip) });
      continue;
    }
    const forward = await lookup(() => (ip === publicIp.v4 ? ctx.resolver.resolve4(hostname) : ctx.resolver.resolve6(hostname)));
    const back = forward.kind === 'found' ? forward.value.map((a) => a.toLowerCase()) : [];
    if (!back.includes(ip.toLowerCase())) {
      parts.push({
        status: severity,
        detail: `The reverse DNS of ${ip} is ${hostname}, but ${hostname} does not resolve back to ${ip} (${back.join(', ') || 'no address'}): forward-confirmed reverse DNS fails.`,
        fix: `Point ${hostname} at ${ip} (${ip === publicIp.v4 ? 'A' : 'AAAA'} record).`,
      });
    }
  }
  const status = worst(parts.map((p) => p.status));
  const expected = addresses.map((ip) => `${ip} → ${hostname}`);
  if (status === 'ok') {
    return { ...base, status, detail: `The reverse DNS of ${addresses.join(' and ')} is ${hostname}, which resolves back to it.`, fix: '', found, expected };
  }
  const shown = parts.filter((p) => p.status === status);
  return { ...base, status, detail: shown.map((p) => p.detail).join(' '), fix: shown.map((p) => p.fix).join('\n'), found, expected };
}
