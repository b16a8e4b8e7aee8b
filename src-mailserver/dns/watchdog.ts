// The public IP watchdog: finds the public address every few minutes (public-ip.ts); when it
// differs from the last one seen (kept in DATA/public-ip.json, so a change while the server was
// down counts too), re-runs every domain's DNS checks and raises a status warning naming what
// broke, e.g. a home connection that got a new dynamic address. recheck() clears the warning
// once the checks pass again.
import { EventEmitter } from 'node:events';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { errorMessage } from '../common/errors.js';
import type { DnsCheckReport } from './checks/run-checks.js';
import { formatPublicIp, type PublicAddresses } from './public-address.js';
import type { PublicIpResult } from './public-ip.js';

export interface WatchdogStatus {
  level: 'ok' | 'warning';
  /** Plain words for the dashboard. */
  message: string;
  publicIp: PublicIpResult | null;
  /** The address before the last change, and when it changed (ms). */
  previous: PublicAddresses | null;
  changedAt: number | null;
  lastCheckedAt: number | null;
  reports: DnsCheckReport[];
}

export interface WatchdogOptions {
  dataDir: string;
  detect: () => Promise<PublicIpResult>;
  /** Run the checks of every local domain for the given public IP. */
  runChecks: (publicIp: PublicIpResult) => Promise<DnsCheckReport[]>;
  intervalMs: number;
  log: Logger;
  now?: () => number;
}

const same = (a: PublicAddresses, b: PublicAddresses) => a.v4 === b.v4 && a.v6 === b.v6;

export class PublicIpWatchdog extends EventEmitter {
  private current: PublicIpResult | null = null;
  private state: WatchdogStatus = { level: 'ok', message: 'The public IP has not been checked yet.', publicIp: null, previous: null, changedAt: null, lastCheckedAt: null, reports: [] };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<WatchdogStatus> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: WatchdogOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  private get stateFile(): string {
    return join(this.options.dataDir, 'public-ip.json');
  }

  start(): void {
    void this.checkNow();
    this.timer = setInterval(() => void this.checkNow(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  status(): WatchdogStatus {
    return this.state;
  }

  /** Detect the address now; on a change, re-run the checks. Never throws. */
  checkNow(): Promise<WatchdogStatus> {
    this.running ??= this.tick().finally(() => (this.running = null));
    return this.running;
  }

  private async remembered(): Promise<PublicAddresses | null> {
    try {
      const saved = JSON.parse(await readFile(this.stateFile, 'utf8')) as { v4?: unknown; v6?: unknown };
      return { v4: typeof saved.v4 === 'string' ? saved.v4 : null, v6: typeof saved.v6 === 'string' ? saved.v6 : null };
    } catch {
      return null;
    }
  }

  private async remember(a: PublicAddresses): Promise<void> {
    await writeFile(`${this.stateFile}.tmp`, JSON.stringify({ ...a, at: this.now() }));
    await rename(`${this.stateFile}.tmp`, this.stateFile);
  }

  private async tick(): Promise<WatchdogStatus> {
    const { log } = this.options;
    try {
      const found = await this.options.detect();
      this.current = found;
      this.state = { ...this.state, publicIp: found };
      if (found.source === 'none') {
        this.state = { ...this.state, level: 'warning', message: `The public IP is unknown: ${found.detail}.` };
        return this.state;
      }
      const before = await this.remembered();
      await this.remember(found.addresses);
      if (!before || same(before, found.addresses)) {
        if (this.state.changedAt === null) this.state = { ...this.state, level: 'ok', message: `Public IP ${formatPublicIp(found.addresses)} (${found.detail}).` };
        return this.state;
      }
      log.warn({ previous: formatPublicIp(before), publicIp: formatPublicIp(found.addresses) }, 'public IP changed; re-running DNS checks');
      this.state = { ...this.state, previous: before, changedAt: this.now() };
      await this.runChecks(`The public IP changed from ${formatPublicIp(before)} to ${formatPublicIp(found.addresses)}`);
      this.emit('change', this.state);
      return this.state;
    } catch (err) {
      log.error({ err: errorMessage(err) }, 'public IP watchdog failed');
      return this.state;
    }
  }

  private async runChecks(lead: string): Promise<void> {
    const reports = await this.options.runChecks(this.current!);
    const broken = reports.flatMap((r) => r.checks.filter((c) => c.status === 'error').map((c) => `${r.domain}: ${c.id}`));
    this.state = {
      ...this.state,
      reports,
      lastCheckedAt: this.now(),
      level: broken.length > 0 ? 'warning' : 'ok',
      message: broken.length > 0 ? `${lead}; these DNS checks now fail: ${broken.join(', ')}. Update the records (A, SPF) and ask for the PTR of the new address.` : `${lead}; every DNS check passes.`,
    };
    this.emit('status', this.state);
  }

  /** Re-run the checks for the current address (after the user fixed DNS); clears the warning when they pass. */
  async recheck(): Promise<WatchdogStatus> {
    if (!this.current || this.current.source === 'none') return this.checkNow();
    const lead = this.state.previous ? `The public IP changed from ${formatPublicIp(this.state.previous)} to ${formatPublicIp(this.current.addresses)}` : `Public IP ${formatPublicIp(this.current.addresses)}`;
    await this.runChecks(lead);
    return this.state;
  }
}
