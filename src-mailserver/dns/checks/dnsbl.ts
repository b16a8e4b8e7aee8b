// Check "dnsbl": the public IP is on none of the configured DNS blocklists (RFC 5782 §2.1: an A
// record under REVERSED-IP.ZONE in 127.0.0.0/8 means listed, the TXT record says why). Answers in
// 127.255.255.0/24 are Spamhaus-style "query refused" codes, not listings.
import { reversedLabels } from '../public-address.js';
import { joinTxt, lookup, worst, type CheckContext, type CheckStatus, type DnsCheckResult } from './check-types.js';

const TITLE = 'DNS blocklists';

export async function checkDnsbl(ctx: CheckContext): Promise<DnsCheckResult> {
  const { publicIp } = ctx.setup;
  const addresses = [publicIp.v4, publicIp.v6].filter((a): a is string => a !== null);
  const base = { id: 'dnsbl' as const, title: TITLE, expected: ctx.dnsbls.map((z) => `not listed on ${z}`) };
  if (addresses.length === 0) {
    return { ...base, status: 'warning', detail: `This server's public IP is unknown (${ctx.publicIpDetail ?? 'not set'}), so blocklists cannot be checked.`, fix: 'Set the public IP (the --public-ip flag or the publicIp setting).', found: [] };
  }
  if (ctx.dnsbls.length === 0) {
    return { ...base, status: 'ok', detail: 'No blocklists are configured to check.', fix: '', found: [] };
  }
  const parts: { status: CheckStatus; detail: string; fix: string }[] = [];
  const found: string[] = [];
  await Promise.all(
    addresses.flatMap((ip) =>
      ctx.dnsbls.map(async (zone) => {
        const name = `${reversedLabels(ip)}.${zone}`;
        const a = await lookup(() => ctx.resolver.resolve4(name));
        if (a.kind === 'missing') return;
        if (a.kind === 'failed') {
          parts.push({ status: 'warning', detail: `Could not query ${zone} for ${ip} (${a.code}).`, fix: 'Check again later; if it persists, remove the list from the settings.' });
          return;
        }
        const codes = a.value;
        if (codes.every((c) => c.startsWith('127.255.255.'))) {
          parts.push({
            status: 'warning',
            detail: `${zone} refused to answer for ${ip} (${codes.join(', ')}); lists like Spamhaus refuse queries sent through large public resolvers.`,
            fix: 'Use your ISP\'s resolver or a resolver of your own for DNS (the dns setting), then check again.',
          });
          return;
        }
        if (!codes.some((c) => c.startsWith('127.'))) {
          parts.push({ status: 'warning', detail: `${zone} answered ${codes.join(', ')} for ${ip}, which is not a listing code; the list may be misbehaving.`, fix: 'Remove the list from the settings if this persists.' });
          return;
        }
        const txt = await lookup(() => ctx.resolver.resolveTxt(name));
        const reason = txt.kind === 'found' ? joinTxt(txt.value).join(' ') : '';
        found.push(`${ip} on ${zone}: ${codes.join(', ')}${reason ? ` (${reason})` : ''}`);
        parts.push({
          status: 'error',
          detail: `${ip} is listed on ${zone} (${codes.join(', ')})${reason ? `: ${reason}` : ''}. Receivers that use this list refuse our mail.`,
          fix: `Follow the removal steps on the list's web site${/https?:\/\/\S+/.exec(reason)?.[0] ? ` (${/https?:\/\/\S+/.exec(reason)![0]})` : ''}; a home address on a "dynamic IP" list cannot be removed: send through a smarthost relay instead.`,
        });
      }),
    ),
  );
  const status = worst(parts.map((p) => p.status));
  if (status === 'ok') {
    return { ...base, status, detail: `${addresses.join(' and ')} ${addresses.length > 1 ? 'are' : 'is'} on none of ${ctx.dnsbls.join(', ')}.`, fix: '', found };
  }
  const shown = parts.filter((p) => p.status === status);
  return { ...base, status, detail: shown.map((p) => p.detail).join(' '), fix: [...new Set(shown.map((p) => p.fix))].join('\n'), found };
}
