// Runs every live DNS check for one domain (in parallel; each is bounded by the resolver's and
// its own timeouts) and gives one report, as typed data for the admin API and as text for the
// CLI. A check that throws becomes an error result rather than losing the report.
import { errorMessage } from '../../common/errors.js';
import type { PublicAddresses } from '../public-address.js';
import { checkAddress } from './address.js';
import { CHECK_IDS, type CheckContext, type CheckId, type DnsCheckResult } from './check-types.js';
import { checkDkim } from './dkim.js';
import { checkDmarc } from './dmarc.js';
import { checkDnsbl } from './dnsbl.js';
import { checkMtaSts } from './mta-sts.js';
import { checkMx } from './mx.js';
import { checkPort25 } from './port25.js';
import { checkPtr } from './ptr.js';
import { checkSpf } from './spf.js';
import { checkTlsRpt } from './tls-rpt.js';

export interface DnsCheckReport {
  domain: string;
  hostname: string;
  publicIp: PublicAddresses;
  /** Milliseconds since the epoch. */
  checkedAt: number;
  checks: DnsCheckResult[];
}

const CHECKS: Record<CheckId, (ctx: CheckContext) => Promise<DnsCheckResult>> = {
  mx: checkMx,
  a: checkAddress,
  ptr: checkPtr,
  spf: checkSpf,
  dkim: checkDkim,
  dmarc: checkDmarc,
  'mta-sts': checkMtaSts,
  'tls-rpt': checkTlsRpt,
  port25: checkPort25,
  dnsbl: checkDnsbl,
};

export async function runDnsChecks(ctx: CheckContext, only: readonly CheckId[] = CHECK_IDS): Promise<DnsCheckReport> {
  const checks = await Promise.all(
    only.map(async (id): Promise<DnsCheckResult> => {
      try {
        return await CHECKS[id](ctx);
      } catch (err) {
        return { id, title: id, status: 'error', detail: `The check itself failed: ${errorMessage(err)}.`, fix: 'Check again; if it persists, report it with the server log.', found: [], expected: [] };
      }
    }),
  );
  return { domain: ctx.setup.domain, hostname: ctx.setup.hostname, publicIp: ctx.setup.publicIp, checkedAt: Date.now(), checks };
}

const MARK = { ok: 'ok     ', warning: 'WARNING', error: 'ERROR  ' } as const;

/** The report as text for a terminal: one block per check, the fix indented under it. */
export function formatCheckReport(report: DnsCheckReport): string {
  const lines = [`DNS checks for ${report.domain} (mail host ${report.hostname}, public IP ${[report.publicIp.v4, report.publicIp.v6].filter(Boolean).join(', ') || 'unknown'})`];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]}  ${c.id.padEnd(8)} ${c.detail}`);
    if (c.fix) c.fix.split('\n').forEach((line, i) => lines.push(`${i === 0 ? '           fix: ' : '                '}${line}`));
  }
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  lines.push(`${count('ok')} ok, ${count('warning')} warning(s), ${count('error')} error(s)`);
  return lines.join('\n') + '\n';
}
