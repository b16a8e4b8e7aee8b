// The plain functions the CLI and the admin API call: the records a domain must publish (typed,
// plus zone-file text) and the live check report, from the configuration, the DKIM keys, the
// configured resolver and the detected public IP.
import type { DkimKeyStore } from '../auth/dkim-keys.js';
import type { Config, PortName } from '../config/config.js';
import { runDnsChecks, type DnsCheckReport } from './checks/run-checks.js';
import { mailSetupFor } from './mail-setup.js';
import type { PublicIpResult } from './public-ip.js';
import { buildDomainRecords, type DomainRecords } from './records.js';
import type { DnsResolver } from './resolver.js';
import { zoneFileText } from './zone-file.js';

export interface DomainSetupDeps {
  config: Config;
  dkim: Pick<DkimKeyStore, 'published'>;
  resolver: DnsResolver;
  publicIp: PublicIpResult;
  /** Ports the running server listens on (for ports configured as 0). */
  runningPorts?: Partial<Record<PortName, number>>;
  /** Extra trusted CA and port for fetching the MTA-STS policy (tests). */
  https?: { port?: number; ca?: string };
}

export interface DomainRecordsView extends DomainRecords {
  zoneText: string;
}

function setupOf(deps: Omit<DomainSetupDeps, 'resolver'>, domain: string) {
  return mailSetupFor({ config: deps.config, domain, dkim: deps.dkim, publicIp: deps.publicIp.addresses, runningPorts: deps.runningPorts });
}

export function domainRecords(deps: Omit<DomainSetupDeps, 'resolver'>, domain: string, options: { nameservers?: string[] } = {}): DomainRecordsView {
  const records = buildDomainRecords(setupOf(deps, domain));
  return { ...records, zoneText: zoneFileText(records, options) };
}

export function checkDomain(deps: DomainSetupDeps, domain: string): Promise<DnsCheckReport> {
  const setup = setupOf(deps, domain);
  return runDnsChecks({
    setup,
    expected: buildDomainRecords(setup),
    resolver: deps.resolver,
    publicIpDetail: deps.publicIp.detail,
    port25: deps.config.network.port25TestHost,
    dnsbls: deps.config.network.dnsbls,
    https: deps.https,
  });
}
