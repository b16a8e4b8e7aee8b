// The server status the dashboard and the tray show: each listener, today's counters, the queue,
// certificates, recent warnings and errors, and the things that need the user, combined into one
// state with a fixed priority (error > attention > paused > running).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from '../directory/database.js';
import type { AttentionItem, CertificateInfo, ListenerStatus, OverallState, ServerStatus, ServiceName } from './contract.js';
import type { AdminContext } from './context.js';
import { toLogLine } from './log-lines.js';
import { readWizardState } from './wizard-state.js';

const DAY = 86_400_000;
const CERT_WARN_DAYS = 14;
const QUEUE_STUCK_SECONDS = 3600;
const RECENT_ERRORS = 8;

export const LISTENER_LABELS: Record<ServiceName, string> = {
  smtp: 'Incoming mail (SMTP, MX)',
  submission: 'Sending from mail clients (SMTP submission)',
  smtps: 'Sending from mail clients (SMTP over TLS)',
  imap: 'Mailbox access (IMAP)',
  imaps: 'Mailbox access (IMAP over TLS)',
  pop3: 'Mailbox download (POP3)',
  pop3s: 'Mailbox download (POP3 over TLS)',
  http: 'Web (certificates, autoconfig, MTA-STS)',
  https: 'Web over TLS (autoconfig, MTA-STS)',
  admin: 'Admin UI and API',
};

let cachedVersion: string | null = null;

/** This program's version, from the package.json above this file (source and built layouts). */
export function appVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'homemail' && pkg.version) return (cachedVersion = pkg.version);
    } catch {
      /* not here */
    }
    dir = dirname(dir);
  }
  return (cachedVersion = 'unknown');
}

export function buildStatus(ctx: AdminContext): ServerStatus {
  const listeners: ListenerStatus[] = ctx.listeners().map((l) => ({ ...l, label: LISTENER_LABELS[l.name] }));
  const queue = ctx.queue ? ctx.queue.summary() : null;
  const certificates = certificateInfo(ctx);
  const portProblem = ctx.portProblem();
  const counts = (table: string) => (sql(ctx.db, `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const domains = counts('domains');
  const accounts = counts('accounts');
  const wizard = readWizardState(ctx.db);
  const attention: AttentionItem[] = [];

  for (const l of listeners) {
    if (l.state !== 'error') continue;
    attention.push({
      id: `listener:${l.name}`,
      severity: 'error',
      title: `${l.label} is not running`,
      detail: l.error?.code === 'EACCES' ? `Port ${l.configuredPort} needs permission to be opened; see how to fix it in Settings.` : (l.error?.message ?? 'It could not start.'),
      link: 'settings',
    });
  }
  for (const c of certificates) {
    if (c.daysLeft < 0) attention.push({ id: `cert:${c.names[0]}`, severity: 'error', title: 'Certificate expired', detail: `The certificate for ${c.names.join(', ')} expired.`, link: 'settings' });
    else if (c.daysLeft < CERT_WARN_DAYS)
      attention.push({ id: `cert:${c.names[0]}`, severity: 'warning', title: 'Certificate expires soon', detail: `The certificate for ${c.names.join(', ')} expires in ${c.daysLeft} days.`, link: 'settings' });
    if (c.acme?.state === 'failed') attention.push({ id: `acme:${c.names[0]}`, severity: 'warning', title: 'Certificate renewal failed', detail: c.acme.lastError ?? 'The ACME order failed.', link: 'settings' });
  }
  if (queue && queue.total > 0 && queue.oldestAgeSeconds > QUEUE_STUCK_SECONDS) {
    attention.push({
      id: 'queue:stuck',
      severity: 'warning',
      title: 'Outgoing mail is waiting',
      detail: `${queue.total} message(s) in the queue, the oldest for ${Math.round(queue.oldestAgeSeconds / 60)} minutes.`,
      link: 'queue',
    });
  }
  if (ctx.dns) {
    for (const d of ctx.directory.domains.list()) {
      const report = ctx.dns.lastCheck(d.name);
      const failing = report?.checks.filter((c) => c.status === 'error') ?? [];
      if (failing.length > 0) {
        attention.push({ id: `dns:${d.name}`, severity: 'warning', title: `DNS problems for ${d.display}`, detail: failing.map((c) => c.detail).join(' '), link: `dns/${d.name}` });
      }
    }
  }
  const ipWarning = ctx.network?.warning?.();
  if (ipWarning) attention.push({ id: 'public-ip', severity: 'warning', title: 'The public IP changed', detail: ipWarning, link: 'dns' });
  if (!wizard.finished) attention.push({ id: 'setup', severity: 'warning', title: 'Setup is not finished', detail: 'The setup assistant resumes where you left it.', link: 'wizard' });

  let overall: OverallState = 'running';
  if (attention.some((a) => a.severity === 'error')) overall = 'error';
  else if (attention.length > 0) overall = 'attention';
  else if (ctx.incomingPaused()) overall = 'paused';

  const recentErrors = ctx.ring
    ? ctx.ring
        .entries(RECENT_ERRORS, (r) => typeof r.level === 'number' && r.level >= 40 && Date.now() - Number(r.time) < DAY)
        .map(toLogLine)
        .reverse()
    : [];

  return {
    version: appVersion(),
    mode: ctx.mode,
    hostname: ctx.config.hostname,
    startedAt: ctx.startedAt,
    overall,
    incomingPaused: ctx.incomingPaused(),
    listeners,
    counters: ctx.metrics.today(),
    queue,
    certificates,
    recentErrors,
    attention,
    portProblem,
    domains,
    accounts,
    setupComplete: wizard.finished,
  };
}

export function certificateInfo(ctx: AdminContext): CertificateInfo[] {
  if (ctx.certificates) return ctx.certificates.list();
  return [describeCertificate(ctx.tls.keyPair.cert)];
}

/** Names, issuer and validity of a PEM certificate (the first one in a chain). */
export function describeCertificate(pem: string, source?: CertificateInfo['source']): CertificateInfo {
  const x509 = new X509Certificate(pem);
  const names = (x509.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const cn = /CN=([^\n,]+)/.exec(x509.subject)?.[1];
  const notAfter = new Date(x509.validTo).getTime();
  return {
    names: names.length > 0 ? names : cn ? [cn] : [],
    issuer: /CN=([^\n,]+)/.exec(x509.issuer)?.[1] ?? x509.issuer,
    source: source ?? (x509.issuer === x509.subject ? 'self-signed' : 'user'),
    notBefore: new Date(x509.validFrom).getTime(),
    notAfter,
    daysLeft: Math.floor((notAfter - Date.now()) / DAY),
  };
}
