// Check "mx": the domain's MX records name this server's host, and it is the most preferred
// (RFC 5321 §5.1); a null MX (RFC 7505) or an MX elsewhere is an error.
import { expectedOf, failedLookupResult, lookup, normalizeName, publish, type CheckContext, type DnsCheckResult } from './check-types.js';

const TITLE = 'MX record';

export async function checkMx(ctx: CheckContext): Promise<DnsCheckResult> {
  const { domain, hostname } = ctx.setup;
  const want = expectedOf(ctx, 'mx');
  const base = { id: 'mx' as const, title: TITLE, expected: want.map((r) => r.value) };
  const result = await lookup(() => ctx.resolver.resolveMx(domain));
  if (result.kind === 'failed') return failedLookupResult('mx', TITLE, domain, 'MX', result);
  if (result.kind === 'missing') {
    return {
      ...base,
      status: 'error',
      detail: `${domain} has no MX record, so other servers do not know that ${hostname} takes its mail.`,
      fix: `Publish:\n${publish(want)}`,
      found: [],
    };
  }
  const mx = [...result.value].sort((a, b) => a.priority - b.priority);
  const found = mx.map((m) => `${m.priority} ${normalizeName(m.exchange) || '.'}`);
  if (mx.length === 1 && normalizeName(mx[0]!.exchange) === '') {
    return {
      ...base,
      status: 'error',
      detail: `${domain} publishes a null MX ("0 ."): it tells every sender that the domain takes no mail (RFC 7505).`,
      fix: `Replace the MX record with:\n${publish(want)}`,
      found,
    };
  }
  const ours = mx.filter((m) => normalizeName(m.exchange) === hostname);
  if (ours.length === 0) {
    return {
      ...base,
      status: 'error',
      detail: `The MX of ${domain} points to ${found.map((f) => f.split(' ')[1]).join(', ')}, not to this server (${hostname}): mail for ${domain} goes elsewhere.`,
      fix: `Replace the MX records with:\n${publish(want)}`,
      found,
    };
  }
  const best = mx[0]!.priority;
  const ahead = mx.filter((m) => m.priority < ours[0]!.priority);
  if (ahead.length > 0) {
    return {
      ...base,
      status: 'warning',
      detail: `${hostname} is an MX of ${domain}, but ${ahead.map((m) => normalizeName(m.exchange)).join(', ')} ${ahead.length > 1 ? 'are' : 'is'} preferred (lower number), so mail goes there first.`,
      fix: `Give ${hostname} the lowest preference, or remove the others:\n${publish(want)}`,
      found,
    };
  }
  return { ...base, status: 'ok', detail: `Mail for ${domain} goes to ${hostname} (preference ${best}).`, fix: '', found };
}
