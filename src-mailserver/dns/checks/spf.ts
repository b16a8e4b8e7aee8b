// Check "spf": exactly one SPF record (RFC 7208 §4.5), and it *evaluates* (mailauth's RFC 7208
// evaluator, through the configured resolver) to pass for each public address, and not for an
// address of nobody's (a record that passes everyone is useless). With a smarthost, its include
// must be there too.
import { spf } from 'mailauth/lib/spf/index.js';
import { relaySpfTerm } from '../records.js';
import { expectedOf, failedLookupResult, joinTxt, lookup, publish, type CheckContext, type DnsCheckResult } from './check-types.js';

const TITLE = 'SPF record';
/** RFC 5737 documentation addresses: no real sender has them. */
const OUTSIDERS = { v4: ['192.0.2.77', '198.51.100.77'], v6: ['2001:db8::77', '2001:db8::78'] };

type Evaluation = { result: string; comment: string };

async function evaluate(ctx: CheckContext, ip: string): Promise<Evaluation> {
  const { domain, hostname } = ctx.setup;
  const out = await spf({
    sender: `postmaster@${domain}`,
    ip,
    helo: hostname,
    mta: hostname,
    resolver: (name: string, type: string) => ctx.resolver.resolve(name, type) as Promise<string[][] | string[]>,
  });
  return { result: out.status.result, comment: String(out.status.comment ?? '') };
}

export async function checkSpf(ctx: CheckContext): Promise<DnsCheckResult> {
  const { domain, publicIp, relay } = ctx.setup;
  const want = expectedOf(ctx, 'spf');
  const base = { id: 'spf' as const, title: TITLE, expected: want.map((r) => r.value) };
  const fixWith = (lead: string) => `${lead}\n${publish(want)}`;
  const txt = await lookup(() => ctx.resolver.resolveTxt(domain));
  if (txt.kind === 'failed') return failedLookupResult('spf', TITLE, domain, 'TXT', txt);
  const records = txt.kind === 'found' ? joinTxt(txt.value).filter((t) => /^v=spf1(\s|$)/i.test(t)) : [];
  if (records.length === 0) {
    return { ...base, status: 'error', detail: `${domain} has no SPF record: receivers cannot tell our mail from forgeries and often junk it.`, fix: fixWith('Publish:'), found: [] };
  }
  if (records.length > 1) {
    return {
      ...base,
      status: 'error',
      detail: `${domain} has ${records.length} SPF records; receivers treat that as an error (RFC 7208 §4.5), so SPF fails for all its mail.`,
      fix: fixWith('Remove all but one; keep:'),
      found: records,
    };
  }
  const found = records;
  const ours = [publicIp.v4, publicIp.v6].filter((a): a is string => a !== null);
  if (ours.length === 0) {
    return {
      ...base,
      status: 'warning',
      detail: `${domain} has an SPF record, but this server's public IP is unknown (${ctx.publicIpDetail ?? 'not set'}), so it cannot be evaluated.`,
      fix: 'Set the public IP (the --public-ip flag or the publicIp setting), or configure a public IP echo URL.',
      found,
    };
  }
  for (const ip of ours) {
    const r = await evaluate(ctx, ip);
    if (r.result === 'pass') continue;
    if (r.result === 'permerror') {
      return { ...base, status: 'error', detail: `The SPF record of ${domain} is invalid (permerror: ${r.comment.replace(/^[^:]*:\s*/, '')}); receivers ignore it or reject the mail.`, fix: fixWith('Replace it with:'), found };
    }
    if (r.result === 'temperror') {
      return { ...base, status: 'error', detail: `The SPF record of ${domain} could not be evaluated for ${ip} (temperror): a lookup it needs failed. ${r.comment}`, fix: 'Check that every name the record includes exists, then check again.', found };
    }
    return {
      ...base,
      status: 'error',
      detail: `The SPF record of ${domain} gives "${r.result}" for this server's address ${ip}: receivers will treat our mail as forged.`,
      fix: fixWith(`Authorise ${ip}; publish:`),
      found,
    };
  }
  for (const ip of [...(publicIp.v4 ? OUTSIDERS.v4 : []), ...(publicIp.v6 ? OUTSIDERS.v6 : [])].filter((a) => !ours.includes(a)).slice(0, 1)) {
    const r = await evaluate(ctx, ip);
    if (r.result === 'pass') {
      return {
        ...base,
        status: 'warning',
        detail: `The SPF record of ${domain} passes for ${ip}, an address nobody sends from: it allows anyone (e.g. "+all"), so it proves nothing.`,
        fix: fixWith('End it with "-all"; publish:'),
        found,
      };
    }
  }
  const relayTerm = relaySpfTerm(relay);
  if (relayTerm && !found[0]!.toLowerCase().split(/\s+/).some((t) => t.replace(/^\+/, '') === relayTerm.toLowerCase())) {
    return {
      ...base,
      status: 'warning',
      detail: `Mail relayed through ${relay!.host} will fail SPF: the record of ${domain} does not contain "${relayTerm}".`,
      fix: fixWith(`Add "${relayTerm}"; publish:`),
      found,
    };
  }
  return { ...base, status: 'ok', detail: `The SPF record of ${domain} passes for ${ours.join(' and ')}${relayTerm ? ` and includes the relay (${relayTerm})` : ''}.`, fix: '', found };
}
