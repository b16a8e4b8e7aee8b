// Check "dkim": for each key the domain publishes (auth/dkim-keys.ts), the TXT record at
// SELECTOR._domainkey.DOMAIN exists once and carries our public key (RFC 6376 §3.6.1 tag list,
// RFC 8463 for Ed25519). A missing key that signs is an error; one not signing yet, a warning.
import { dkimRecordName } from '../../auth/dkim-keys.js';
import { expectedOf, joinTxt, lookup, publish, worst, type CheckContext, type CheckStatus, type DnsCheckResult } from './check-types.js';

const TITLE = 'DKIM keys';

/** RFC 6376 §3.2 tag=value list; whitespace inside values (folded base64) is removed. */
export function parseTagList(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!name || tags.has(name)) continue;
    tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

export async function checkDkim(ctx: CheckContext): Promise<DnsCheckResult> {
  const { domain, dkimKeys } = ctx.setup;
  const keys = dkimKeys.filter((k) => k.state !== 'retired');
  const wantAll = expectedOf(ctx, 'dkim');
  const base = { id: 'dkim' as const, title: TITLE, expected: wantAll.map((r) => `${r.name}: ${r.value}`) };
  if (keys.length === 0) {
    return { ...base, status: 'error', detail: `${domain} has no DKIM key, so its mail goes out unsigned.`, fix: `Create keys: remove and add the domain again, or rotate its keys.`, found: [] };
  }
  const parts: { status: CheckStatus; detail: string; fix: string }[] = [];
  const found: string[] = [];
  for (const key of keys) {
    const name = dkimRecordName({ selector: key.selector, domain });
    const want = wantAll.filter((r) => r.name === name);
    const severity: CheckStatus = key.state === 'active' ? 'error' : 'warning';
    const role = key.state === 'active' ? 'signs our mail' : 'will sign after the next rotation';
    const txt = await lookup(() => ctx.resolver.resolveTxt(name));
    if (txt.kind === 'failed') {
      parts.push({ status: 'error', detail: `Could not look up ${name} (${txt.code}).`, fix: 'Check the network and the DNS server, then check again.' });
      continue;
    }
    const records = txt.kind === 'found' ? joinTxt(txt.value).filter((t) => /(^|;)\s*(v=DKIM1|p=)/i.test(t)) : [];
    found.push(...records.map((r) => `${name}: ${r}`));
    if (records.length === 0) {
      parts.push({ status: severity, detail: `There is no DKIM record at ${name}; the ${key.algorithm === 'rsa-sha256' ? 'RSA' : 'Ed25519'} key there ${role}, and receivers cannot verify it.`, fix: `Publish:\n${publish(want)}` });
      continue;
    }
    if (records.length > 1) {
      parts.push({ status: severity, detail: `${name} has ${records.length} DKIM records; receivers may pick the wrong one.`, fix: `Keep only:\n${publish(want)}` });
      continue;
    }
    const tags = parseTagList(records[0]!);
    const v = tags.get('v');
    const p = tags.get('p');
    const k = (tags.get('k') ?? 'rsa').toLowerCase();
    const wantK = key.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519';
    if ((v !== undefined && v !== 'DKIM1') || p === undefined) {
      parts.push({ status: severity, detail: `The record at ${name} does not parse as a DKIM key (it needs v=DKIM1 first and a p= tag).`, fix: `Replace it with:\n${publish(want)}` });
    } else if (p === '') {
      parts.push({ status: severity, detail: `The key at ${name} is revoked (empty p=), but it ${role}.`, fix: `Replace it with:\n${publish(want)}` });
    } else if (p !== key.publicKey || k !== wantK) {
      parts.push({ status: severity, detail: `The key published at ${name} is not this server's key (an old or mistyped record); signatures will fail.`, fix: `Replace it with:\n${publish(want)}` });
    }
  }
  const status = worst(parts.map((p) => p.status));
  if (status === 'ok') {
    return { ...base, status, detail: `Every DKIM key of ${domain} is published and matches (${keys.map((k) => k.selector).join(', ')}).`, fix: '', found };
  }
  const shown = parts.filter((p) => p.status === status);
  return { ...base, status, detail: shown.map((p) => p.detail).join(' '), fix: shown.map((p) => p.fix).join('\n'), found };
}
