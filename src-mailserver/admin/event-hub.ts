// Events for every connected UI: log lines (batched every 100 ms), the server status (pushed when
// it changes, checked every 2 s and soon after any count or change), queue summaries, DNS
// reports and "the directory / settings changed". Transports subscribe; nothing is computed
// while no one listens.
import type { AdminEvent, LogLine, ServerStatus } from './contract.js';
import type { AdminContext } from './context.js';
import type { ChangeKind } from './handler.js';
import { toLogLine } from './log-lines.js';
import { readSettings } from './settings-view.js';

const LOG_FLUSH_MS = 100;
const LOG_BATCH = 500;
/** Lines held between flushes at most; under a flood the oldest go (the log file keeps them all). */
const LOG_BUFFER_MAX = 10_000;
const STATUS_POLL_MS = 2000;
const STATUS_SOON_MS = 150;

export type AdminEventListener = (event: AdminEvent) => void;

export class AdminEventHub {
  private readonly listeners = new Set<AdminEventListener>();
  private readonly unsubscribers: (() => void)[] = [];
  private logBuffer: LogLine[] = [];
  private logTimer: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private statusSoon: NodeJS.Timeout | null = null;
  private lastStatus = '';
  private started = false;

  constructor(
    private readonly ctx: AdminContext,
    private readonly buildStatus: (ctx: AdminContext) => ServerStatus,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    const { ring, metrics, queue, dns } = this.ctx;
    if (ring) {
      this.unsubscribers.push(
        ring.subscribe((record, seq) => {
          if (this.listeners.size === 0) return;
          this.logBuffer.push(toLogLine({ record, seq }));
          if (this.logBuffer.length > LOG_BUFFER_MAX) this.logBuffer.splice(0, this.logBuffer.length - LOG_BUFFER_MAX);
          this.logTimer ??= setTimeout(() => this.flushLog(), LOG_FLUSH_MS);
        }),
      );
    }
    this.unsubscribers.push(metrics.onCount(() => this.statusChangedSoon()));
    if (queue) {
      this.unsubscribers.push(
        queue.onChange(() => {
          if (this.listeners.size === 0) return;
          this.publish({ type: 'queue', summary: queue.summary() });
          this.statusChangedSoon();
        }),
      );
    }
    if (dns?.onReport) {
      this.unsubscribers.push(
        dns.onReport((report) => {
          this.publish({ type: 'dns', report });
          this.statusChangedSoon();
        }),
      );
    }
    this.statusTimer = setInterval(() => this.pushStatus(), STATUS_POLL_MS);
    this.statusTimer.unref();
  }

  stop(): void {
    this.started = false;
    for (const u of this.unsubscribers.splice(0)) u();
    for (const t of [this.logTimer, this.statusSoon]) if (t) clearTimeout(t);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.logTimer = this.statusSoon = this.statusTimer = null;
    this.flushLog();
    this.listeners.clear();
  }

  subscribe(listener: AdminEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  publish(event: AdminEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.ctx.log.warn({ component: 'admin', err }, 'event listener failed');
      }
    }
  }

  /** A handler changed something: tell the UIs what, and push the status soon. */
  changed(kind: ChangeKind): void {
    if (kind === 'directory') this.publish({ type: 'directory' });
    if (kind === 'settings') this.publish({ type: 'settings', settings: readSettings(this.ctx.dataDir) });
    if (kind === 'queue' && this.ctx.queue) this.publish({ type: 'queue', summary: this.ctx.queue.summary() });
    this.statusChangedSoon();
  }

  statusChangedSoon(): void {
    if (this.listeners.size === 0 || this.statusSoon) return;
    this.statusSoon = setTimeout(() => {
      this.statusSoon = null;
      this.pushStatus();
    }, STATUS_SOON_MS);
  }

  private pushStatus(): void {
    if (this.listeners.size === 0) return;
    let status: ServerStatus;
    try {
      status = this.buildStatus(this.ctx);
    } catch (err) {
      this.ctx.log.warn({ component: 'admin', err }, 'status not available');
      return;
    }
    const json = JSON.stringify(status);
    if (json === this.lastStatus) return;
    this.lastStatus = json;
    this.publish({ type: 'status', status });
  }

  private flushLog(): void {
    this.logTimer = null;
    while (this.logBuffer.length > 0) {
      const lines = this.logBuffer.splice(0, LOG_BATCH);
      this.publish({ type: 'log', lines });
    }
  }
}
