// Check "dmarc": one DMARC record at _dmarc.DOMAIN that parses (RFC 7489 §6.3-6.4: v=DMARC1 first,
// a valid p=); p=none only monitors, so it is a warning.
import { ProtocolSyntaxError } from '../../common/errors.js';
import { expectedOf, failedLookupResult, joinTxt, lookup, publish, type CheckContext, type DnsCheckResult } from './check-types.js';

const TITLE = 'DMARC policy';

export interface DmarcRecord {
  p: 'none' | 'quarantine' | 'reject';
  sp: 'none' | 'quarantine' | 'reject' | null;
  pct: number;
  rua: string[];
}

const POLICIES = ['none', 'quarantine', 'reject'] as const;

/** Parse a DMARC record (RFC 7489 §6.4); throws ProtocolSyntaxError saying what is wrong. */
export function parseDmarc(text: string): DmarcRecord {
  const parts = text.split(';').map((p) => p.trim()).filter(Boolean);
  const tags = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ProtocolSyntaxError(`"${part}" is not a tag=value pair`);
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!tags.has(name)) tags.set(name, part.slice(eq + 1).trim());
  }
  const first = parts[0] ?? '';
  if (!/^v\s*=\s*DMARC1$/.test(first)) throw new ProtocolSyntaxError('it must start with "v=DMARC1"');
  const policy = (name: string) => {
    const value = tags.get(name)?.toLowerCase();
    if (value === undefined) return null;
    if (!(POLICIES as readonly string[]).includes(value)) throw new ProtocolSyntaxError(`${name}=${value} is not none, quarantine or reject`);
    return value as DmarcRecord['p'];
  };
  const p = policy('p');
  if (!p) throw new ProtocolSyntaxError('the p= tag (the policy) is missing');
  const pctText = tags.get('pct') ?? '100';
  if (!/^\d{1,3}$/.test(pctText) || Number(pctText) > 100) throw new ProtocolSyntaxError(`pct=${pctText} is not 0-100`);
  const rua = (tags.get('rua') ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  for (const uri of rua) if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) throw new ProtocolSyntaxError(`rua ${uri} is not a URI (mailto:...)`);
  return { p, sp: policy('sp'), pct: Number(pctText), rua };
}

export async function checkDmarc(ctx: CheckContext): Promise<DnsCheckResult> {
  const { domain } = ctx.setup;
  const name = `_dmarc.${domain}`;
  const want = expectedOf(ctx, 'dmarc');
  const base = { id: 'dmarc' as const, title: TITLE, expected: want.map((r) => r.value) };
  const txt = await lookup(() => ctx.resolver.resolveTxt(name));
  if (txt.kind === 'failed') return failedLookupResult('dmarc', TITLE, name, 'TXT', txt);
  const records = txt.kind === 'found' ? joinTxt(txt.value).filter((t) => /^v\s*=\s*DMARC1/i.test(t)) : [];
  if (records.length === 0) {
    return { ...base, status: 'error', detail: `${domain} has no DMARC record; large mailbox providers expect one and junk mail without it.`, fix: `Publish:\n${publish(want)}`, found: [] };
  }
  if (records.length > 1) {
    return { ...base, status: 'error', detail: `${name} has ${records.length} DMARC records; receivers then ignore DMARC entirely (RFC 7489 §6.6.3).`, fix: `Keep only:\n${publish(want)}`, found: records };
  }
  let parsed: DmarcRecord;
  try {
    parsed = parseDmarc(records[0]!);
  } catch (err) {
    return { ...base, status: 'error', detail: `The DMARC record of ${domain} does not parse: ${(err as Error).message}.`, fix: `Replace it with:\n${publish(want)}`, found: records };
  }
  if (parsed.p === 'none') {
    return {
      ...base,
      status: 'warning',
      detail: `The DMARC policy of ${domain} is p=none: it only asks for reports, so forged mail in our name is still delivered.`,
      fix: `Once SPF and DKIM pass, publish:\n${publish(want)}`,
      found: records,
    };
  }
  const reports = parsed.rua.length ? ` Reports go to ${parsed.rua.join(', ')}.` : ' No aggregate reports are asked for (rua=).';
  return { ...base, status: 'ok', detail: `${domain} publishes DMARC with p=${parsed.p}${parsed.pct < 100 ? ` for ${parsed.pct}% of mail` : ''}.${reports}`, fix: '', found: records };
}
