// Check "mta-sts": the _mta-sts TXT record (RFC 8461 §3.1) and the policy served at
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt (§3.2-3.3, fetched as a sender would: the name
// resolved through the configured resolver, the certificate verified) agree, and the policy's mx
// patterns cover our host (§4.1).
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { parsePolicy, validateMx } from 'mailauth/lib/mta-sts.js';
import { errorMessage } from '../../common/errors.js';
import { mtaStsPolicyId } from '../records.js';
import { expectedOf, failedLookupResult, joinTxt, lookup, publish, type CheckContext, type DnsCheckResult } from './check-types.js';

const TITLE = 'MTA-STS';
const MAX_POLICY_BYTES = 64 * 1024;

/** GET the policy from `address` with SNI and Host `host`; rejects on a bad certificate or status. */
export function fetchPolicyText(host: string, address: string, options: { port?: number; ca?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: options.port ?? 443,
        path: '/.well-known/mta-sts.txt',
        method: 'GET',
        servername: host,
        headers: { host },
        ca: options.ca ? [...rootCertificates, options.ca] : undefined,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`HTTP ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_POLICY_BYTES) req.destroy(new Error('policy larger than 64 KB'));
          else chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export async function checkMtaSts(ctx: CheckContext): Promise<DnsCheckResult> {
  const { domain, hostname } = ctx.setup;
  const name = `_mta-sts.${domain}`;
  const policyHost = `mta-sts.${domain}`;
  const want = expectedOf(ctx, 'mta-sts');
  const base = { id: 'mta-sts' as const, title: TITLE, expected: want.map((r) => `${r.name} ${r.type} ${r.value}`) };
  const fixAll = `Publish:\n${publish(want)}\nThis server serves the policy at https://${policyHost}/.well-known/mta-sts.txt itself.`;
  const txt = await lookup(() => ctx.resolver.resolveTxt(name));
  if (txt.kind === 'failed') return failedLookupResult('mta-sts', TITLE, name, 'TXT', txt);
  const records = txt.kind === 'found' ? joinTxt(txt.value).filter((t) => /^v=STSv1(;|\s|$)/i.test(t)) : [];
  if (records.length === 0) {
    return { ...base, status: 'warning', detail: `${domain} publishes no MTA-STS policy, so a network attacker can make senders deliver without TLS.`, fix: fixAll, found: [] };
  }
  if (records.length > 1) {
    return { ...base, status: 'error', detail: `${name} has ${records.length} MTA-STS records; senders then ignore MTA-STS (RFC 8461 §3.1).`, fix: `Keep only:\n${publish(want.filter((r) => r.type === 'TXT'))}`, found: records };
  }
  const found = [...records];
  const id = /(?:^|;)\s*id=([A-Za-z0-9]{1,32})\s*(?:;|$)/.exec(records[0]!)?.[1];
  if (!id) {
    return { ...base, status: 'error', detail: `The record at ${name} has no valid id= (1 to 32 letters and digits), so senders ignore it.`, fix: `Replace it with:\n${publish(want.filter((r) => r.type === 'TXT'))}`, found };
  }
  const address = await lookup(() => ctx.resolver.resolve4(policyHost));
  if (address.kind === 'failed') return failedLookupResult('mta-sts', TITLE, policyHost, 'A', address);
  if (address.kind === 'missing') {
    return { ...base, status: 'error', detail: `${name} announces a policy, but ${policyHost} does not resolve, so senders cannot fetch it.`, fix: `Publish:\n${publish(want.filter((r) => r.type === 'CNAME'))}`, found };
  }
  let text: string;
  try {
    text = await fetchPolicyText(policyHost, address.value[0]!, ctx.https);
  } catch (err) {
    return {
      ...base,
      status: 'error',
      detail: `${name} announces a policy, but https://${policyHost}/.well-known/mta-sts.txt could not be fetched (${errorMessage(err)}); senders need a certificate they trust for ${policyHost}.`,
      fix: `Point ${policyHost} at this server and turn on ACME certificates (or install a certificate that covers ${policyHost}).`,
      found,
    };
  }
  found.push(text.trim().replace(/\r?\n/g, '; '));
  let policy: ReturnType<typeof parsePolicy>;
  try {
    policy = parsePolicy(text);
  } catch (err) {
    return { ...base, status: 'error', detail: `The policy at https://${policyHost}/.well-known/mta-sts.txt does not parse (${errorMessage(err)}).`, fix: `Serve this server's policy:\n${ctx.expected.mtaStsPolicy}`, found };
  }
  if (policy.mode !== 'none' && !validateMx(hostname, policy).valid) {
    return {
      ...base,
      status: 'error',
      detail: `The MTA-STS policy of ${domain} lists mx ${(policy.mx ?? []).join(', ')}, not ${hostname}: senders ${policy.mode === 'enforce' ? 'will refuse to deliver' : 'will report failures'}.`,
      fix: `Serve this server's policy:\n${ctx.expected.mtaStsPolicy}`,
      found,
    };
  }
  if (policy.mode === 'none') {
    return { ...base, status: 'warning', detail: `The MTA-STS policy of ${domain} has mode none: it protects nothing.`, fix: `Serve this server's policy:\n${ctx.expected.mtaStsPolicy}`, found };
  }
  const ourId = mtaStsPolicyId(ctx.expected.mtaStsPolicy);
  const same = text.replace(/\r\n/g, '\n').trim() === ctx.expected.mtaStsPolicy.replace(/\r\n/g, '\n').trim();
  if (same && id !== ourId) {
    return {
      ...base,
      status: 'warning',
      detail: `The policy matches, but ${name} has id=${id} instead of id=${ourId}; senders that cached an older policy will not fetch this one.`,
      fix: `Replace the TXT record with:\n${publish(want.filter((r) => r.type === 'TXT'))}`,
      found,
    };
  }
  const note = policy.mode === 'testing' ? ' It is in testing mode: senders report TLS problems but still deliver (enforce needs a trusted certificate).' : '';
  return { ...base, status: 'ok', detail: `${domain} publishes an MTA-STS policy (mode ${policy.mode}) that covers ${hostname}.${note}`, fix: '', found };
}
