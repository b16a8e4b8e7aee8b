// `mailserver dkim list|rotate|retire`: DKIM keys per domain. A rotation publishes before it
// switches (RFC 6376 §3.1 selectors; M3AAWG key rotation practice): `rotate` makes a new RSA and
// Ed25519 key pair in state `published` and prints their records; once DNS serves them (checked
// through the configured resolver), `rotate` again makes them sign, and the old keys stay in DNS
// (state `published`) so mail in flight still verifies; `retire` then drops the old ones.
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors.js';
import { DkimKeyStore, dkimRecordName, dkimRecordValue, type DkimKey } from '../auth/dkim-keys.js';
import { loadConfig } from '../config/config.js';
import { createResolver } from '../dns/resolver.js';
import { DomainTable } from '../directory/domains.js';
import { print, UsageError, type CliIo } from './io.js';
import { openManageContext } from './manage-context.js';

export const DKIM_USAGE = `usage: mailserver dkim list [DOMAIN] [--json] | rotate DOMAIN [--force] | retire DOMAIN   [--data DIR]`;

/** New keys of a rotation: published, never active yet. */
const pending = (k: DkimKey) => k.state === 'published' && k.activatedAt === null;
/** Keys that signed before a rotation and are still in DNS. */
const superseded = (k: DkimKey) => k.state === 'published' && k.activatedAt !== null;

function describe(k: DkimKey): string {
  const role = k.state === 'active' ? 'active (signing)' : pending(k) ? 'published, waiting to sign' : k.state === 'published' ? 'published, no longer signing' : 'retired';
  return `${k.domain}  ${k.selector}  ${k.algorithm}  ${role}`;
}

/** Whether DNS serves this key's record (the p= value matches). */
async function visibleInDns(resolve: (name: string) => Promise<string[][]>, key: DkimKey): Promise<boolean> {
  try {
    const records = await resolve(dkimRecordName(key));
    return records.some((parts) => {
      const text = parts.join('').replace(/\s+/g, '');
      const m = /(?:^|;)p=([^;]*)/.exec(text);
      return m?.[1] === key.publicKey;
    });
  } catch {
    return false;
  }
}

export async function dkimCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { data: { type: 'string' }, json: { type: 'boolean' }, force: { type: 'boolean' } },
  });
  const [action, domainText, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if (action !== 'list' && action !== 'rotate' && action !== 'retire') throw new UsageError(DKIM_USAGE);
  if (action !== 'list' && !domainText) throw new UsageError(`dkim ${action} needs a domain`);
  const ctx = openManageContext(values.data);
  try {
    const keys = new DkimKeyStore(ctx.directory.db);
    const domain = domainText ? DomainTable.parse(domainText) : undefined;
    if (domain && !ctx.directory.domains.get(domain)) throw new UserError(`no such domain: ${domain}`, 'not_found');
    switch (action) {
      case 'list': {
        const list = keys.list(domain);
        if (values.json) {
          print(io, JSON.stringify(list.map((k) => ({ domain: k.domain, selector: k.selector, algorithm: k.algorithm, state: k.state, pending: pending(k), name: dkimRecordName(k), value: dkimRecordValue(k) }))));
        } else for (const k of list) print(io, describe(k));
        return 0;
      }
      case 'rotate': {
        const all = keys.list(domain);
        const waiting = all.filter(pending);
        if (waiting.length === 0) {
          const created = [keys.create(domain!, 'rsa-sha256', 'published'), keys.create(domain!, 'ed25519-sha256', 'published')];
          print(io, `new keys for ${domain}; publish these TXT records, then run "mailserver dkim rotate ${domain}" again:`);
          for (const k of created) print(io, `${dkimRecordName(k)}. TXT "${dkimRecordValue(k)}"`);
          return 0;
        }
        if (!values.force) {
          const resolver = createResolver(loadConfig(ctx.dataDir).dns);
          const missing: DkimKey[] = [];
          for (const k of waiting) if (!(await visibleInDns((n) => resolver.resolveTxt(n), k))) missing.push(k);
          if (missing.length > 0) {
            print(io, `not switching yet: DNS does not serve ${missing.map((k) => dkimRecordName(k)).join(', ')}:`);
            for (const k of missing) print(io, `${dkimRecordName(k)}. TXT "${dkimRecordValue(k)}"`);
            print(io, 'publish them (or use --force), then run this again');
            return 1;
          }
        }
        const old = all.filter((k) => k.state === 'active');
        ctx.directory.db.transaction(() => {
          for (const k of waiting) keys.setState(k.id, 'active');
          for (const k of old) keys.setState(k.id, 'published');
        })();
        print(io, `${domain} now signs with ${waiting.map((k) => k.selector).join(' and ')}`);
        if (old.length > 0) print(io, `keep ${old.map((k) => k.selector).join(' and ')} in DNS a few days, then run "mailserver dkim retire ${domain}"`);
        return 0;
      }
      case 'retire': {
        const old = keys.list(domain).filter(superseded);
        if (old.length === 0) {
          print(io, `${domain} has no superseded keys`);
          return 0;
        }
        for (const k of old) keys.setState(k.id, 'retired');
        print(io, `retired ${old.map((k) => k.selector).join(', ')}; their DNS records may be removed`);
        return 0;
      }
    }
  } finally {
    ctx.close();
  }
}
