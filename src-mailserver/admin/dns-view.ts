// DNS records, live checks, the public IP, the port-25 test and certificates as the admin API
// shows them, from the dns/ and tls/ subsystems: records and checks built like
// `mailserver dns records|check` (the running ports, the relay in force), the last report per
// domain kept for the dashboard and pushed as an event, the public IP detected at most every
// five minutes unless asked, and ACME switched on or off in config.json with a restart.
import { DkimKeyStore } from '../auth/dkim-keys.js';
import type { Config } from '../config/config.js';
import { UserError } from '../common/errors.js';
import type { Db } from '../directory/database.js';
import { runDnsChecks, type DnsCheckReport as DnsReport } from '../dns/checks/run-checks.js';
import { mailSetupFor } from '../dns/mail-setup.js';
import { formatPublicIp, type PublicAddresses } from '../dns/public-address.js';
import { detectPublicIp, type PublicIpResult } from '../dns/public-ip.js';
import { buildDomainRecords } from '../dns/records.js';
import type { DnsResolver } from '../dns/resolver.js';
import { zoneFileText } from '../dns/zone-file.js';
import { updateConfigFile } from '../config/config.js';
import type { CertificateManager } from '../tls/certificate-manager.js';
import { X509Certificate } from 'node:crypto';
import type { TlsProvider } from '../tls/tls-provider.js';
import type { CertificateInfo, DnsCheckReport, Port25Result, PublicIpInfo } from './contract.js';
import type { CertificateAdmin, DnsAdmin, NetworkAdmin } from './context.js';

const PUBLIC_IP_TTL_MS = 5 * 60_000;
const DAY = 86_400_000;

export interface DnsViewDeps {
  config: Config;
  db: Db;
  resolver: DnsResolver;
  /** The relay in force now (it can change while the server runs). */
  relay: () => { host: string; spfInclude?: string | null } | null;
  runningPorts: () => Partial<Record<'imaps' | 'smtps' | 'pop3s' | 'https', number>>;
  now?: () => number;
}

export function toDnsReport(r: DnsReport): DnsCheckReport {
  return {
    domain: r.domain,
    checkedAt: r.checkedAt,
    checks: r.checks.map((c) => ({
      id: c.id,
      status: c.status,
      detail: c.detail,
      ...(c.fix ? { fix: c.fix } : {}),
      found: c.found,
      expected: c.expected,
    })),
  };
}

export function dnsViews(deps: DnsViewDeps): { dns: DnsAdmin; network: NetworkAdmin } {
  const now = deps.now ?? Date.now;
  const reports = new Map<string, DnsCheckReport>();
  const listeners = new Set<(r: DnsCheckReport) => void>();
  let ip: { at: number; result: PublicIpResult } | null = null;

  const publicIp = async (refresh = false): Promise<PublicIpResult> => {
    if (!refresh && ip && now() - ip.at < PUBLIC_IP_TTL_MS) return ip.result;
    const result = await detectPublicIp({ manual: deps.config.publicIp, echoUrl: deps.config.network.publicIpEchoUrl });
    ip = { at: now(), result };
    return result;
  };
  const setupFor = async (domain: string) => {
    const address = await publicIp();
    const setup = mailSetupFor({
      config: deps.config,
      domain,
      dkim: new DkimKeyStore(deps.db),
      publicIp: address.addresses,
      relay: deps.relay(),
      runningPorts: deps.runningPorts(),
    });
    return { setup, records: buildDomainRecords(setup), address };
  };
  const checkContext = async (domain: string) => {
    const { setup, records, address } = await setupFor(domain);
    return {
      setup,
      expected: records,
      resolver: deps.resolver,
      publicIpDetail: address.detail,
      port25: deps.config.network.port25TestHost,
      dnsbls: deps.config.network.dnsbls,
    };
  };

  const dns: DnsAdmin = {
    async records(domain) {
      const { records } = await setupFor(domain);
      return {
        domain,
        records: records.records.map((r) => ({ kind: r.group, name: r.name, type: r.type, value: r.value, ttl: r.ttl, importance: r.level, explanation: r.purpose })),
        zoneFile: zoneFileText(records),
      };
    },
    async check(domain) {
      const report = toDnsReport(await runDnsChecks(await checkContext(domain)));
      reports.set(domain, report);
      for (const l of listeners) l(report);
      return report;
    },
    lastCheck: (domain) => reports.get(domain) ?? null,
    onReport(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const network: NetworkAdmin = {
    async publicIp(refresh) {
      const result = await publicIp(refresh);
      const main = result.addresses.v4 ?? result.addresses.v6;
      const reverseNames = main ? (await deps.resolver.reverse(main)).map((n) => n.replace(/\.$/, '').toLowerCase()) : [];
      const hostname = deps.config.hostname.toLowerCase();
      const usable = reverseNames.find((n) => n.includes('.') && n !== 'localhost');
      return {
        ip: main ? formatPublicIp(result.addresses as PublicAddresses) : null,
        source: result.source,
        reverseNames,
        suggestedHostname: usable ?? null,
        reverseMismatch: reverseNames.length > 0 && !reverseNames.includes(hostname),
      } satisfies PublicIpInfo;
    },
    async port25Test() {
      const domain = deps.config.hostname.split('.').slice(1).join('.') || deps.config.hostname;
      const report = await runDnsChecks(await checkContext(domain), ['port25']);
      const check = report.checks[0]!;
      const names: Record<string, Port25Result['stages'][number]['name']> = { resolve: 'resolve', connect: 'connect', greeting: 'greeting', ehlo: 'greeting', starttls: 'starttls' };
      return {
        ok: check.status === 'ok',
        target: deps.config.network.port25TestHost,
        stages: (check.steps ?? []).filter((s) => s.name in names).map((s) => ({ name: names[s.name]!, ok: s.ok, ms: s.ms, detail: s.detail })),
        explanation: check.status === 'ok' ? check.detail : [check.detail, check.fix].filter(Boolean).join(' '),
      };
    },
  };
  return { dns, network };
}

export function certificateAdmin(manager: CertificateManager | undefined, tls: TlsProvider, dataDir: string, restart: (() => void) | null, now: () => number = Date.now): CertificateAdmin {
  return {
    list(): CertificateInfo[] {
      const x509 = new X509Certificate(tls.keyPair.cert);
      const notBefore = new Date(x509.validFrom).getTime();
      if (!manager) {
        const notAfter = new Date(x509.validTo).getTime();
        return [{ names: [x509.subject.replace(/^CN=/, '')], issuer: x509.issuer, source: 'self-signed', notBefore, notAfter, daysLeft: Math.floor((notAfter - now()) / DAY) }];
      }
      const s = manager.status();
      return [
        {
          names: s.names,
          issuer: s.issuer,
          source: s.source === 'files' ? 'user' : s.source,
          notBefore,
          notAfter: s.notAfter,
          daysLeft: Math.floor((s.notAfter - now()) / DAY),
          ...(s.acmeEnabled ? { acme: { state: s.lastError ? 'failed' : s.source === 'acme' ? 'idle' : 'ordering', ...(s.lastError ? { lastError: s.lastError } : {}), ...(s.nextAttempt ? { renewAt: s.nextAttempt } : {}) } } : {}),
        },
      ];
    },
    async useSelfSigned() {
      // Nothing to change when ACME is off already (the self-signed or the user's certificate stays).
      if (!manager?.status().acmeEnabled) return;
      updateConfigFile(dataDir, (json) => ({ ...json, tls: { ...((json.tls as object) ?? {}), acme: { ...(((json.tls as { acme?: object })?.acme as object) ?? {}), enabled: false } } }));
      // After the answer is sent: the restart closes this connection.
      if (restart) setTimeout(restart, 50);
    },
    async requestAcme(email) {
      if (!restart) throw new UserError('this server cannot restart itself to start ACME', 'unavailable');
      updateConfigFile(dataDir, (json) => {
        const tls = (json.tls as { acme?: Record<string, unknown> } | undefined) ?? {};
        return { ...json, tls: { ...tls, acme: { ...(tls.acme ?? {}), enabled: true, ...(email ? { email } : {}) } } };
      });
      // The certificate manager reads the ACME setting when it starts: restart to order (after
      // the answer is sent; the UI reconnects).
      setTimeout(restart, 50);
    },
  };
}
