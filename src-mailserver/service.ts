// Composition root: opens the data directory and database, runs crash recovery, and starts the
// listeners of every subsystem that exists. The only file that wires subsystems together.
// Listeners whose port is null are not started; port 0 picks a free port. The admin API (HTTP +
// WebSocket on 127.0.0.1, and the desktop app's IPC) gets its view of everything from here.
import type { Logger } from 'pino';
import { AdminService } from './admin/admin-service.js';
import type { AdminContext } from './admin/context.js';
import { certificateAdmin, dnsViews } from './admin/dns-view.js';
import { queueAdmin } from './admin/queue-view.js';
import { relayAdmin } from './admin/relay-view.js';
import { Authenticator } from './auth/authenticator.js';
import { DkimKeyStore } from './auth/dkim-keys.js';
import { DkimSigner } from './auth/dkim-signer.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { PORT_NAMES, type Config, type PortName } from './config/config.js';
import { prepareDataDir } from './config/data-dir.js';
import { isPermissionError, portFixes } from './config/port-permissions.js';
import type { Db } from './directory/database.js';
import { UserError } from './common/errors.js';
import { Directory } from './directory/directory.js';
import { createResolver, type DnsResolver } from './dns/resolver.js';
import type { LogRingBuffer } from './log/ring-buffer.js';
import { MailMetrics } from './metrics/mail-metrics.js';
import { OutboundQueue } from './queue/outbound-queue.js';
import { openMailDatabase } from './schema.js';
import { FileSecretStore } from './secrets/file-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { createInboundListener } from './smtp/inbound-server.js';
import type { SmtpListener } from './smtp/listener.js';
import { createSubmissionListener } from './smtp/submission-server.js';
import { ImapListener } from './imap/server/listener.js';
import { Pop3Listener } from './pop3/server/listener.js';
import { MessageStore } from './store/message-store.js';
import { ensureSelfSigned } from './tls/self-signed.js';
import { TlsProvider } from './tls/tls-provider.js';
import { AcmeChallengeStore } from './tls/acme-challenges.js';
import { CertificateManager } from './tls/certificate-manager.js';
import { WebListener } from './http/web-listener.js';
import { createBayesTrainer, createInboundTrust, loginLimiterPolicy } from './spam/inbound-trust.js';
import type { BayesTrainer } from './spam/bayes-training.js';
import { checkDomain, domainRecords, type DomainRecordsView } from './dns/domain-setup.js';
import type { DnsCheckReport } from './dns/checks/run-checks.js';
import { detectPublicIp, type PublicIpResult } from './dns/public-ip.js';
import { PublicIpWatchdog } from './dns/watchdog.js';

export interface ServiceOptions {
  dataDir: string;
  config: Config;
  logger: Logger;
  /** Where credentials live; default DATA/secrets.json (the desktop app passes the OS keychain). */
  secrets?: SecretStore;
  /** Extra CA certificates (PEM) trusted for outbound verified TLS (tests, private CAs). */
  trustedCa?: string[];
  /** Milliseconds since the epoch; tests move it to reach certificate renewal dates, and past rate windows, login locks and greylisting delays. */
  now?: () => number;
  /** The in-memory log the admin UI reads. */
  ring?: LogRingBuffer;
  /** Who runs the server: the desktop app (utility process) or `mailserver serve`. */
  mode?: 'desktop' | 'headless';
  /** Token for the admin HTTP API; random when absent. */
  adminToken?: string;
  /** Keep running when a listener cannot start (the UI shows why and how to fix it). */
  tolerateListenErrors?: boolean;
  /** Restart with the saved settings (offered by `serve` and the desktop entry). */
  requestRestart?: () => void;
}

export interface ListenerError {
  code: string;
  message: string;
  port: number;
}

interface Stoppable {
  stop(): Promise<void>;
}

interface Listener extends Stoppable {
  listen(port: number, host: string): Promise<number>;
}

export class MailService {
  readonly ports: Partial<Record<PortName, number>> = {};
  private readonly listeners: Stoppable[] = [];
  private stopping: Promise<void> | null = null;
  /** Pending ACME HTTP-01 challenges, answered by the port-80 listener. */
  readonly acmeChallenges = new AcmeChallengeStore();
  /** Trains each user's spam classifier when they move mail into or out of Junk; null when Bayes is off. */
  bayesTrainer: BayesTrainer | null = null;
  /** The certificate in use (user files, ACME or self-signed) and its renewal. */
  certificates!: CertificateManager;
  /** Watches the public IP and re-runs the DNS checks when it changes; null when turned off. */
  publicIpWatchdog: PublicIpWatchdog | null = null;
  /** Listeners that could not start (with tolerateListenErrors), by name. */
  readonly listenerErrors = new Map<PortName, ListenerError>();
  readonly startedAt = Date.now();
  /** The admin API; its HTTP transport runs when the admin port is on. */
  admin: AdminService | null = null;
  private smtp: SmtpListener | null = null;
  /** Abuse guard and trust checks of port 25, kept across a pause (their counters live on). */
  inboundTrust: ReturnType<typeof createInboundTrust> | null = null;
  private incomingPaused = false;

  private constructor(
    readonly dataDir: string,
    readonly config: Config,
    readonly db: Db,
    readonly directory: Directory,
    readonly store: MessageStore,
    readonly tls: TlsProvider,
    readonly resolver: DnsResolver,
    /** Password logins for every protocol, through one shared failed-login limiter. */
    readonly authenticator: Authenticator,
    readonly log: Logger,
    readonly secrets: SecretStore,
    readonly dkimSigner: DkimSigner,
    /** Outbound queue: intake, delivery, operations API (list, retry, hold ...) and change events. */
    readonly queue: OutboundQueue,
    /** Messages per hour for the dashboard. */
    readonly metrics: MailMetrics,
    readonly options: ServiceOptions,
  ) {}

  static async start(options: ServiceOptions): Promise<MailService> {
    const { config, logger } = options;
    const dataDir = prepareDataDir(options.dataDir);
    const db = openMailDatabase(dataDir);
    const directory = new Directory(db);
    const store = new MessageStore(dataDir, db, logger.child({ component: 'store' }));
    const recovery = await store.startRun(directory.accounts.list());
    logger.info({ component: 'store', ...recovery }, 'store ready');
    const tls = new TlsProvider(await ensureSelfSigned(dataDir, config.hostname));
    const resolver = createResolver(config.dns);
    const metrics = new MailMetrics(db);
    const authenticator = new Authenticator(directory.accounts, new LoginLimiter(loginLimiterPolicy(config), options.now), logger.child({ component: 'auth' }), metrics);
    const secrets = options.secrets ?? new FileSecretStore(dataDir);
    const dkimSigner = new DkimSigner(new DkimKeyStore(db));
    const queue = new OutboundQueue({
      dataDir,
      config,
      db,
      directory,
      store,
      resolver,
      secrets,
      signer: dkimSigner,
      log: logger.child({ component: 'queue' }),
      trustedCa: options.trustedCa,
      metrics,
    });
    const service = new MailService(dataDir, config, db, directory, store, tls, resolver, authenticator, logger, secrets, dkimSigner, queue, metrics, options);
    metrics.start();
    try {
      const queued = await queue.start();
      logger.info({ component: 'queue', ...queued }, 'queue ready');
      service.certificates = new CertificateManager({
        dataDir,
        config,
        tls,
        challenges: service.acmeChallenges,
        resolver,
        domains: () => directory.domains.list().map((d) => d.name),
        log: logger.child({ component: 'tls' }),
        now: options.now,
      });
      await service.certificates.load();
      service.bayesTrainer = createBayesTrainer({ config, db, directory, store, log: logger.child({ component: 'spam' }) });
      service.bayesTrainer?.start();
      await service.startListeners();
      service.certificates.startRenewals();
      service.startPublicIpWatchdog();
      await service.startAdmin();
    } catch (err) {
      await service.stop();
      throw err;
    }
    return service;
  }

  private async startListeners(): Promise<void> {
    const { ports, listen } = this.config;
    if (ports.smtp !== null) {
      this.smtp = this.createSmtp();
      await this.listen('smtp', this.smtp, ports.smtp, listen);
    }
    for (const name of ['submission', 'smtps'] as const) {
      const port = ports[name];
      if (port === null) continue;
      const listener = createSubmissionListener({
        config: this.config,
        directory: this.directory,
        store: this.store,
        tls: this.tls,
        authenticator: this.authenticator,
        dispatcher: this.queue.dispatcher,
        signer: this.dkimSigner,
        log: this.log.child({ component: name }),
        implicitTls: name === 'smtps',
      });
      await this.listen(name, listener, port, listen);
    }
    const web = {
      config: this.config,
      directory: this.directory,
      challenges: this.acmeChallenges,
      runningPorts: () => this.ports,
      log: this.log.child({ component: 'http' }),
    };
    if (ports.http !== null) await this.listen('http', new WebListener(web, null), ports.http, listen);
    if (ports.https !== null) await this.listen('https', new WebListener(web, this.tls), ports.https, listen);
    const imapDeps = { store: this.store, authenticator: this.authenticator, config: this.config, tls: this.tls, log: this.log.child({ component: 'imap' }) };
    if (ports.imap !== null) await this.listen('imap', new ImapListener(imapDeps, false), ports.imap, listen);
    if (ports.imaps !== null) await this.listen('imaps', new ImapListener(imapDeps, true), ports.imaps, listen);
    const pop3Deps = { ...imapDeps, log: this.log.child({ component: 'pop3' }) };
    if (ports.pop3 !== null) await this.listen('pop3', new Pop3Listener(pop3Deps, false), ports.pop3, listen);
    if (ports.pop3s !== null) await this.listen('pop3s', new Pop3Listener(pop3Deps, true), ports.pop3s, listen);
  }

  private startPublicIpWatchdog(): void {
    const minutes = this.config.network.publicIpWatchMinutes;
    if (minutes === 0) return;
    this.publicIpWatchdog = new PublicIpWatchdog({
      dataDir: this.dataDir,
      detect: () => this.detectPublicIp(),
      runChecks: (publicIp) => Promise.all(this.directory.domains.list().map((d) => checkDomain(this.dnsDeps(publicIp), d.name))),
      intervalMs: minutes * 60_000,
      log: this.log.child({ component: 'dns' }),
    });
    this.publicIpWatchdog.start();
  }

  private detectPublicIp(): Promise<PublicIpResult> {
    return detectPublicIp({ manual: this.config.publicIp, echoUrl: this.config.network.publicIpEchoUrl });
  }

  private dnsDeps(publicIp: PublicIpResult) {
    return { config: this.config, dkim: new DkimKeyStore(this.db), resolver: this.resolver, publicIp, runningPorts: this.ports };
  }

  private async currentPublicIp(): Promise<PublicIpResult> {
    const known = this.publicIpWatchdog?.status().publicIp;
    return known ?? this.detectPublicIp();
  }

  /** The records DOMAIN must publish, typed and as zone-file text (for the admin API). */
  async dnsRecords(domain: string): Promise<DomainRecordsView> {
    return domainRecords(this.dnsDeps(await this.currentPublicIp()), domain);
  }

  /** Live DNS checks of DOMAIN through the configured resolver (for the admin API). */
  async dnsCheck(domain: string): Promise<DnsCheckReport> {
    return checkDomain(this.dnsDeps(await this.currentPublicIp()), domain);
  }

  private createSmtp(): SmtpListener {
    return createInboundListener({
      config: this.config,
      directory: this.directory,
      store: this.store,
      tls: this.tls,
      resolver: this.resolver,
      log: this.log.child({ component: 'smtp' }),
      forwarder: this.queue.forwarder,
      metrics: this.metrics,
      ...(this.inboundTrust ??= createInboundTrust({ config: this.config, db: this.db, directory: this.directory, resolver: this.resolver, log: this.log.child({ component: 'smtp' }), now: this.options.now })),
    });
  }

  private async startAdmin(): Promise<void> {
    this.admin = new AdminService(this.adminContext(), { token: this.options.adminToken });
    const port = this.config.ports.admin;
    if (port !== null) {
      const http = this.admin.createHttp(this.config.admin.listen, this.config.admin.remote, this.tls);
      await this.listen('admin', http, port, this.config.admin.listen);
    }
  }

  /** What the admin API sees of the server. */
  private adminContext(): AdminContext {
    return {
      mode: this.options.mode ?? 'headless',
      startedAt: this.startedAt,
      dataDir: this.dataDir,
      config: this.config,
      db: this.db,
      directory: this.directory,
      store: this.store,
      tls: this.tls,
      resolver: this.resolver,
      log: this.log,
      ring: this.options.ring ?? null,
      metrics: this.metrics,
      listeners: () =>
        PORT_NAMES.map((name) => {
          const configuredPort = this.config.ports[name];
          const error = this.listenerErrors.get(name);
          const port = this.ports[name] ?? null;
          const paused = name === 'smtp' && this.incomingPaused;
          const state = error ? 'error' : paused ? 'paused' : configuredPort === null ? 'off' : port !== null ? 'running' : 'unavailable';
          return { name, configuredPort, port, state, ...(error ? { error: { code: error.code, message: error.message } } : {}) };
        }),
      portProblem: () => {
        const failed = [...this.listenerErrors].filter(([, e]) => e.code === 'EACCES' || e.code === 'EPERM').map(([name, e]) => ({ name, port: e.port }));
        if (failed.length === 0) return null;
        return portFixes({ failed, platform: process.platform, execPath: process.execPath, appImage: process.env.APPIMAGE });
      },
      incomingPaused: () => this.incomingPaused,
      setIncomingPaused: (paused) => this.setIncomingPaused(paused),
      requestRestart: this.options.requestRestart ?? null,
      queue: queueAdmin(this.queue, this.options.ring ?? null),
      ...dnsViews({
        config: this.config,
        resolver: this.resolver,
        records: (domain) => this.dnsRecords(domain),
        check: (domain) => this.dnsCheck(domain),
        publicIp: (refresh) => (refresh ? this.detectPublicIp() : this.currentPublicIp()),
        watchdog: this.publicIpWatchdog,
      }),
      certificates: certificateAdmin(this.certificates, this.tls, this.dataDir, this.options.requestRestart ?? null),
      relay: relayAdmin(this.queue.relay, this.config.hostname, () => {
        const domain = this.directory.domains.list()[0];
        return domain ? `postmaster@${domain.name}` : null;
      }),
      httpBase: () => {
        const port = this.ports.http;
        return port ? `http://${this.config.hostname}${port === 80 ? '' : `:${port}`}` : null;
      },
    };
  }

  private async listen(name: PortName, listener: Listener, port: number, host: string): Promise<void> {
    try {
      this.ports[name] = await listener.listen(port, host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const message = isPermissionError(err) ? `port ${port} needs permission to open` : code === 'EADDRINUSE' ? `port ${port} is already in use` : (err as Error).message;
      this.log.error({ component: name, port, host, code }, `cannot listen: ${message}`);
      if (!this.options.tolerateListenErrors) throw listenError(name, port, host, err);
      this.listenerErrors.set(name, { code, message, port });
      return;
    }
    this.listenerErrors.delete(name);
    this.listeners.push(listener);
    this.log.info({ component: name, port: this.ports[name], host }, 'listening');
  }

  get isIncomingPaused(): boolean {
    return this.incomingPaused;
  }

  /** Stop or start taking mail on port 25: while paused the port is closed and senders retry later. */
  async setIncomingPaused(paused: boolean): Promise<void> {
    if (this.config.ports.smtp === null || paused === this.incomingPaused) return;
    this.incomingPaused = paused;
    if (paused && this.smtp) {
      const smtp = this.smtp;
      this.smtp = null;
      this.listeners.splice(this.listeners.indexOf(smtp), 1);
      await smtp.stop();
    } else if (!paused && !this.smtp) {
      this.smtp = this.createSmtp();
      // The same port as before, also when the setting is 0 (tests, free port).
      await this.listen('smtp', this.smtp, this.ports.smtp ?? this.config.ports.smtp, this.config.listen);
    }
  }

  /** Stop accepting, finish what is in flight, close the database. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.certificates?.stop();
      this.publicIpWatchdog?.stop();
      this.admin?.stopEvents();
      await Promise.allSettled(this.listeners.map((l) => l.stop()));
      await this.bayesTrainer?.stop();
      await this.queue.stop().catch((err: unknown) => this.log.error({ err }, 'queue did not stop cleanly'));
      this.metrics.stop();
      this.store.endRun();
      this.db.close();
      this.log.info('stopped');
    })();
    return this.stopping;
  }
}

/** A listen failure in words a user can act on. */
export function listenError(name: PortName, port: number, host: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new UserError(`cannot listen on ${host}:${port} for ${name}: the port is in use (--${name}-port N or off)`);
  if (code === 'EACCES' || code === 'EPERM') {
    // The ways out, with the exact commands (see config/port-permissions.ts).
    const { fixes } = portFixes({ failed: [{ name, port }], platform: process.platform, execPath: process.execPath, appImage: process.env.APPIMAGE });
    const how = fixes.map((f) => `  ${f.title}:\n${f.commands.map((c) => `    ${c}`).join('\n')}`).join('\n');
    return new UserError(`cannot listen on ${host}:${port} for ${name}: permission denied (or use --${name}-port with a port above 1024). Ways to fix it:\n${how}`, 'EACCES');
  }
  if (code === 'EADDRNOTAVAIL') return new UserError(`cannot listen on ${host}:${port} for ${name}: ${host} is not an address of this machine`);
  return err instanceof Error ? err : new Error(String(err));
}
