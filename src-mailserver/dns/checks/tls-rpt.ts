// Check "tls-rpt": one TLS reporting record at _smtp._tls.DOMAIN (RFC 8460 §3): v=TLSRPTv1 first
// and a rua= of mailto: or https: URIs. Missing is a warning (it is recommended, not required).
import { expectedOf, failedLookupResult, joinTxt, lookup, publish, type CheckContext, type DnsCheckResult } from './check-types.js';

const TITLE = 'TLS reporting (TLS-RPT)';

/** The report URIs of a TLS-RPT record, or an error text saying why it does not parse. */
export function parseTlsRpt(text: string): { rua: string[] } | { error: string } {
  const parts = text.split(';').map((p) => p.trim()).filter(Boolean);
  if (!/^v=TLSRPTv1$/.test(parts[0] ?? '')) return { error: 'it must start with "v=TLSRPTv1"' };
  const rua = parts.find((p) => /^rua=/i.test(p));
  if (!rua) return { error: 'the rua= tag (where reports go) is missing' };
  const uris = rua.slice(4).split(',').map((u) => u.trim()).filter(Boolean);
  if (uris.length === 0) return { error: 'rua= is empty' };
  const bad = uris.find((u) => !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u));
  if (bad) return { error: `${bad} is neither a mailto: nor an https: URI` };
  return { rua: uris };
}

export async function checkTlsRpt(ctx: CheckContext): Promise<DnsCheckResult> {
  const { domain } = ctx.setup;
  const name = `_smtp._tls.${domain}`;
  const want = expectedOf(ctx, 'tls-rpt');
  const base = { id: 'tls-rpt' as const, title: TITLE, expected: want.map((r) => r.value) };
  const txt = await lookup(() => ctx.resolver.resolveTxt(name));
  if (txt.kind === 'failed') return failedLookupResult('tls-rpt', TITLE, name, 'TXT', txt);
  const records = txt.kind === 'found' ? joinTxt(txt.value).filter((t) => /^v=TLSRPTv1/i.test(t)) : [];
  if (records.length === 0) {
    return { ...base, status: 'warning', detail: `${domain} has no TLS-RPT record, so nobody tells us when senders cannot deliver over TLS.`, fix: `Publish:\n${publish(want)}`, found: [] };
  }
  if (records.length > 1) {
    return { ...base, status: 'error', detail: `${name} has ${records.length} TLS-RPT records; senders then send no reports (RFC 8460 §3).`, fix: `Keep only:\n${publish(want)}`, found: records };
  }
  const parsed = parseTlsRpt(records[0]!);
  if ('error' in parsed) {
    return { ...base, status: 'error', detail: `The TLS-RPT record of ${domain} does not parse: ${parsed.error}.`, fix: `Replace it with:\n${publish(want)}`, found: records };
  }
  return { ...base, status: 'ok', detail: `TLS failure reports for ${domain} go to ${parsed.rua.join(', ')}.`, fix: '', found: records };
}
