// `mailserver dns records DOMAIN` (zone-file text, or --json) and `mailserver dns check DOMAIN
// [--json]`: what to publish, and what is really published, through the configured resolver.
// `check` exits 1 when any check is an error, so scripts can test it.
import { parseArgs } from 'node:util';
import { DkimKeyStore } from '../auth/dkim-keys.js';
import { UserError } from '../common/errors.js';
import { loadConfig, type Config } from '../config/config.js';
import { DomainTable } from '../directory/domains.js';
import { detectPublicIp } from '../dns/public-ip.js';
import { createResolver } from '../dns/resolver.js';
import { formatCheckReport } from '../dns/checks/run-checks.js';
import { checkDomain, domainRecords } from '../dns/domain-setup.js';
import { print, UsageError, type CliIo } from './io.js';
import { openManageContext } from './manage-context.js';

export const DNS_USAGE = `usage: mailserver dns records DOMAIN [--json] [--soa NS[,NS...]] | check DOMAIN [--json]
       [--data DIR] [--dns HOST[:PORT]] [--public-ip ADDR[,ADDR]]`;

export async function dnsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      dns: { type: 'string' },
      'public-ip': { type: 'string' },
      json: { type: 'boolean' },
      soa: { type: 'string' },
    },
  });
  const [action, domainInput, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if ((action !== 'records' && action !== 'check') || !domainInput) throw new UsageError(DNS_USAGE);
  if (values.soa !== undefined && action !== 'records') throw new UsageError('--soa goes with dns records');
  const domain = DomainTable.parse(domainInput);
  const ctx = openManageContext(values.data);
  try {
    if (!ctx.directory.domains.get(domain)) throw new UserError(`no such domain: ${domain} (add it with mailserver domain add)`, 'not_found');
    const config: Config = loadConfig(ctx.dataDir, { dns: values.dns, publicIp: values['public-ip'] });
    const publicIp = await detectPublicIp({ manual: config.publicIp, echoUrl: config.network.publicIpEchoUrl });
    const deps = { config, dkim: new DkimKeyStore(ctx.directory.db), resolver: createResolver(config.dns), publicIp };
    if (action === 'records') {
      const nameservers = values.soa?.split(',').map((n) => n.trim()).filter(Boolean);
      const records = domainRecords(deps, domain, { nameservers });
      if (values.json) {
        print(io, JSON.stringify({ domain, hostname: records.hostname, records: records.records, mtaStsPolicy: records.mtaStsPolicy, notes: records.notes }));
      } else {
        io.stdout.write(records.zoneText);
      }
      return 0;
    }
    const report = await checkDomain(deps, domain);
    if (values.json) {
      print(io, JSON.stringify({ domain, checks: report.checks.map((c) => ({ id: c.id, status: c.status, detail: c.detail, fix: c.fix })) }));
    } else {
      io.stdout.write(formatCheckReport(report));
    }
    return report.checks.some((c) => c.status === 'error') ? 1 : 0;
  } finally {
    ctx.close();
  }
}
