// Which certificate the listeners present, and keeping it fresh. Sources in order: a PEM pair of
// the user's own (tls.certFile/keyFile, reloaded when the files change), else an ACME certificate
// (tls.acme.enabled: issued for the mail host plus the mta-sts./autoconfig./autodiscover. names
// of each domain that point at us, renewed `renewDays` before expiry, failures retried with
// backoff), else the self-signed bootstrap. A new certificate goes into TlsProvider.update, whose
// SNICallback serves it to new handshakes while open connections keep theirs.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { errorMessage, UserError } from '../common/errors.js';
import type { Config } from '../config/config.js';
import type { DnsResolver } from '../dns/resolver.js';
import type { AcmeChallengeStore } from './acme-challenges.js';
import { AcmeIssuer } from './acme-issuer.js';
import { certificateInfo, readKeyPair, validateKeyPair, writeKeyPair, type CertificateInfo } from './certificate-files.js';
import { tlsDir } from './self-signed.js';
import type { TlsProvider } from './tls-provider.js';

export type CertificateSource = 'files' | 'acme' | 'self-signed';

export interface CertificateStatus {
  source: CertificateSource;
  names: string[];
  /** Milliseconds since the epoch. */
  notAfter: number;
  issuer: string;
  acmeEnabled: boolean;
  lastRenewal: number | null;
  lastError: string | null;
  /** When ACME renewal is next attempted (ms), null when not applicable. */
  nextAttempt: number | null;
}

export interface CertificateManagerOptions {
  dataDir: string;
  config: Config;
  tls: TlsProvider;
  challenges: AcmeChallengeStore;
  resolver: DnsResolver;
  /** The local domains (A-labels), read on every check. */
  domains: () => string[];
  log: Logger;
  now?: () => number;
  /** How often the timer looks at expiry and the user's files; default one hour. */
  checkIntervalMs?: number;
}

const DAY = 24 * 3600 * 1000;
const WEB_PREFIXES = ['mta-sts.', 'autoconfig.', 'autodiscover.'];

export class CertificateManager extends EventEmitter {
  private source: CertificateSource = 'self-signed';
  private info: CertificateInfo;
  private lastRenewal: number | null = null;
  private lastError: string | null = null;
  private failures = 0;
  private retryAt = 0;
  private filesMtime = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string> | null = null;
  private readonly issuer: AcmeIssuer | null;
  private readonly now: () => number;

  constructor(private readonly options: CertificateManagerOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.info = certificateInfo(options.tls.keyPair.cert);
    const acme = options.config.tls.acme;
    this.issuer = acme.enabled
      ? new AcmeIssuer({ directoryUrl: acme.directoryUrl, email: acme.email, caFile: acme.caFile, dir: this.acmeDir, challenges: options.challenges, log: options.log })
      : null;
  }

  get acmeDir(): string {
    return join(tlsDir(this.options.dataDir), 'acme');
  }

  private get acmeFiles(): { key: string; cert: string } {
    return { key: join(this.acmeDir, 'cert.key'), cert: join(this.acmeDir, 'cert.pem') };
  }

  /** Load the best certificate there is (a broken user pair is a UserError); before listeners start. */
  async load(): Promise<void> {
    const { certFile, keyFile } = this.options.config.tls;
    if (certFile || keyFile) {
      if (!certFile || !keyFile) throw new UserError('tls.certFile and tls.keyFile go together: set both or neither');
      await this.loadFiles(true);
    } else if (this.issuer) {
      const files = this.acmeFiles;
      if (existsSync(files.key) && existsSync(files.cert)) {
        try {
          const pair = await readKeyPair(files.key, files.cert);
          const info = validateKeyPair(pair, 'stored ACME certificate');
          if (info.notAfter.getTime() > this.now()) this.apply(pair, 'acme');
        } catch (err) {
          this.options.log.warn({ err: errorMessage(err) }, 'stored ACME certificate unusable; a new one will be ordered');
        }
      }
    }
  }

  /** Start the periodic check, and order a certificate now if ACME needs one (after port 80 listens). */
  startRenewals(): void {
    const interval = this.options.checkIntervalMs ?? 3600 * 1000;
    this.timer = setInterval(() => void this.checkNow(), interval);
    this.timer.unref();
    if (this.issuer) void this.checkNow();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  status(): CertificateStatus {
    return {
      source: this.source,
      names: this.info.names,
      notAfter: this.info.notAfter.getTime(),
      issuer: this.info.issuer,
      acmeEnabled: this.issuer !== null,
      lastRenewal: this.lastRenewal,
      lastError: this.lastError,
      nextAttempt: this.issuer && this.source !== 'files' ? Math.max(this.retryAt, this.renewalDue()) : null,
    };
  }

  private apply(pair: { key: string; cert: string }, source: CertificateSource): void {
    this.options.tls.update(pair);
    this.source = source;
    this.info = certificateInfo(pair.cert);
    this.options.log.info({ source, names: this.info.names, notAfter: this.info.notAfter.toISOString() }, 'certificate in use');
    this.emit('change', this.status());
  }

  private async loadFiles(initial: boolean): Promise<void> {
    const { certFile, keyFile } = this.options.config.tls;
    const mtime = Math.max((await stat(certFile!)).mtimeMs, (await stat(keyFile!)).mtimeMs);
    if (!initial && mtime === this.filesMtime) return;
    const pair = await readKeyPair(keyFile!, certFile!);
    validateKeyPair(pair, `${certFile} / ${keyFile}`);
    this.filesMtime = mtime;
    this.apply(pair, 'files');
  }

  /** When the current ACME certificate is due for renewal (ms); 0 when there is none. */
  private renewalDue(): number {
    if (this.source !== 'acme') return 0;
    return this.info.notAfter.getTime() - this.options.config.tls.acme.renewDays * DAY;
  }

  /** Names for the certificate: the host, plus each domain's web names that resolve to the host's addresses. */
  async wantedNames(): Promise<string[]> {
    const { resolver, config } = this.options;
    const hostname = config.hostname.toLowerCase();
    const addresses = async (name: string) => {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
      return [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    };
    const ours = new Set(await addresses(hostname));
    const names = [hostname];
    if (ours.size === 0) return names;
    for (const domain of this.options.domains()) {
      for (const prefix of WEB_PREFIXES) {
        const name = prefix + domain;
        if (name !== hostname && (await addresses(name)).some((a) => ours.has(a))) names.push(name);
      }
    }
    return names;
  }

  /** Reload changed user files, or renew the ACME certificate when due. Never throws. */
  checkNow(): Promise<string> {
    this.running ??= this.check().finally(() => (this.running = null));
    return this.running;
  }

  private async check(): Promise<string> {
    if (this.options.config.tls.certFile) {
      try {
        await this.loadFiles(false);
        this.lastError = null;
        return 'files';
      } catch (err) {
        this.lastError = errorMessage(err);
        this.options.log.error({ err: this.lastError }, 'certificate files unusable; keeping the current certificate');
        return 'failed';
      }
    }
    if (!this.issuer) return 'disabled';
    const now = this.now();
    if (now < this.retryAt) return 'waiting';
    const names = await this.wantedNames();
    const covered = names.every((n) => this.info.names.includes(n));
    if (this.source === 'acme' && covered && now < this.renewalDue()) return 'valid';
    try {
      const pair = await this.order(names);
      await writeKeyPair(this.acmeFiles.key, this.acmeFiles.cert, pair);
      this.apply(pair, 'acme');
      this.lastRenewal = this.now();
      this.lastError = null;
      this.failures = 0;
      this.retryAt = 0;
      this.emit('renewed', this.status());
      return 'renewed';
    } catch (err) {
      this.failures++;
      this.lastError = errorMessage(err);
      this.retryAt = this.now() + Math.min(24, 2 ** (this.failures - 1)) * 3600 * 1000;
      this.options.log.error({ err: this.lastError, names, retryAt: new Date(this.retryAt).toISOString() }, 'ACME certificate order failed');
      this.emit('error-status', this.status());
      return 'failed';
    }
  }

  /** Order for all names; if that fails with extra names, try the mail host alone. */
  private async order(names: string[]): Promise<{ key: string; cert: string }> {
    try {
      return await this.issuer!.issue(names);
    } catch (err) {
      if (names.length === 1) throw err;
      this.options.log.warn({ err: errorMessage(err), names }, 'ACME order failed; retrying with the mail host name only');
      return this.issuer!.issue(names.slice(0, 1));
    }
  }
}
