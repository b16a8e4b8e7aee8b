// DNS records, live checks, the public IP, the port-25 test and certificates as the admin API
// shows them, from the dns/ and tls/ subsystems: records and checks as dns/domain-setup.ts builds
// them, the last report per domain (also the public IP watchdog's) kept for the dashboard and
// pushed as an event, the watchdog's warning when the address changed, and ACME switched on or
// off in config.json with a restart.
import { X509Certificate } from 'node:crypto';
import { updateConfigFile, type Config } from '../config/config.js';
import { UserError } from '../common/errors.js';
import type { DnsCheckReport as DnsReport } from '../dns/checks/run-checks.js';
import type { DomainRecordsView } from '../dns/domain-setup.js';
import { formatPublicIp } from '../dns/public-address.js';
import type { PublicIpResult } from '../dns/public-ip.js';
import type { DnsResolver } from '../dns/resolver.js';
import type { PublicIpWatchdog, WatchdogStatus } from '../dns/watchdog.js';
import type { CertificateManager } from '../tls/certificate-manager.js';
import type { TlsProvider } from '../tls/tls-provider.js';
import type { CertificateInfo, DnsCheckReport, Port25Result, PublicIpInfo } from './contract.js';
import type { CertificateAdmin, DnsAdmin, NetworkAdmin } from './context.js';

const DAY = 86_400_000;

export interface DnsViewDeps {
  config: Config;
  resolver: DnsResolver;
  /** The records and checks as dns/domain-setup.ts makes them (service.ts). */
  records(domain: string): Promise<DomainRecordsView>;
  check(domain: string): Promise<DnsReport>;
  /** The public IP the watchdog knows, or a fresh detection. */
  publicIp(refresh: boolean): Promise<PublicIpResult>;
  /** The public IP watchdog, when it runs: its reports and its warning (a changed address). */
  watchdog?: Pick<PublicIpWatchdog, 'status' | 'on' | 'off'> | null;
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
  const reports = new Map<string, DnsCheckReport>();
  const listeners = new Set<(r: DnsCheckReport) => void>();
  const remember = (r: DnsReport) => {
    const report = toDnsReport(r);
    reports.set(report.domain, report);
    for (const l of listeners) l(report);
    return report;
  };
  // The watchdog re-runs every domain's checks when the public IP changes: keep and push them.
  deps.watchdog?.on('status', (status: WatchdogStatus) => status.reports.forEach(remember));

  const dns: DnsAdmin = {
    async records(domain) {
      const view = await deps.records(domain);
      return {
        domain,
        records: view.records.map((r) => ({ kind: r.group, name: r.name, type: r.type, value: r.value, ttl: r.ttl, importance: r.level, explanation: r.purpose })),
        zoneFile: view.zoneText,
      };
    },
    check: async (domain) => remember(await deps.check(domain)),
    lastCheck: (domain) => reports.get(domain) ?? null,
    onReport(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const network: NetworkAdmin = {
    async publicIp(refresh) {
      const result = await deps.publicIp(refresh);
      const main = result.addresses.v4 ?? result.addresses.v6;
      const reverseNames = main ? (await deps.resolver.reverse(main)).map((n) => n.replace(/\.$/, '').toLowerCase()) : [];
      const hostname = deps.config.hostname.toLowerCase();
      const usable = reverseNames.find((n) => n.includes('.') && n !== 'localhost');
      return {
        ip: main ? formatPublicIp(result.addresses) : null,
        source: result.source,
        reverseNames,
        suggestedHostname: usable ?? null,
        reverseMismatch: reverseNames.length > 0 && !reverseNames.includes(hostname),
      } satisfies PublicIpInfo;
    },
    async port25Test() {
      const domain = deps.config.hostname.split('.').slice(1).join('.') || deps.config.hostname;
      const report = await deps.check(domain);
      const check = report.checks.find((c) => c.id === 'port25')!;
      const names: Record<string, Port25Result['stages'][number]['name']> = { resolve: 'resolve', connect: 'connect', greeting: 'greeting', ehlo: 'greeting', starttls: 'starttls' };
      return {
        ok: check.status === 'ok',
        target: deps.config.network.port25TestHost,
        stages: (check.steps ?? []).filter((s) => s.name in names).map((s) => ({ name: names[s.name]!, ok: s.ok, ms: s.ms, detail: s.detail })),
        explanation: check.status === 'ok' ? check.detail : [check.detail, check.fix].filter(Boolean).join(' '),
      };
    },
    warning() {
      const status = deps.watchdog?.status();
      return status && status.level === 'warning' && status.changedAt !== null ? status.message : null;
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
