// Message counters per hour, fed by the mail paths (inbound accepted / refused, the queue's
// deliveries, deferrals and bounces, failed logins) and read by the admin dashboard. Counts are
// kept in memory and written to SQLite every flush interval and at stop, so the busiest path pays
// only an increment; a crash loses at most one interval of counts, never mail.
import { sql, type Db } from '../directory/database.js';

export const METRIC_KINDS = ['received', 'sent', 'rejected', 'deferred', 'bounced', 'authFailures'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export type HourCounts = Record<MetricKind, number>;

const HOUR = 3600_000;
const KEEP_HOURS = 35 * 24;

/** What the mail paths see: one call per event. */
export interface MetricsSink {
  count(kind: MetricKind, n?: number): void;
}

export function emptyCounts(): HourCounts {
  return { received: 0, sent: 0, rejected: 0, deferred: 0, bounced: 0, authFailures: 0 };
}

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

export class MailMetrics implements MetricsSink {
  /** hour start → counts, for hours not yet written plus everything read at start. */
  private readonly hours = new Map<number, HourCounts>();
  /** Increments not yet written, per hour. */
  private readonly pending = new Map<number, HourCounts>();
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(kind: MetricKind) => void>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    const since = hourStart(this.now()) - 48 * HOUR;
    const rows = sql(this.db, 'SELECT hour, kind, count FROM metrics_hourly WHERE hour >= ?').all(since) as { hour: number; kind: string; count: number }[];
    for (const r of rows) {
      if (!(METRIC_KINDS as readonly string[]).includes(r.kind)) continue;
      this.bucket(this.hours, r.hour)[r.kind as MetricKind] = r.count;
    }
  }

  /** Write pending counts every `intervalMs` until stop(). */
  start(intervalMs = 15_000): void {
    this.timer ??= setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
  }

  count(kind: MetricKind, n = 1): void {
    const hour = hourStart(this.now());
    this.bucket(this.hours, hour)[kind] += n;
    this.bucket(this.pending, hour)[kind] += n;
    for (const l of this.listeners) l(kind);
  }

  /** Called after every count (the admin UI refreshes its counters). */
  onCount(listener: (kind: MetricKind) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Totals since local midnight. */
  today(): HourCounts {
    const midnight = new Date(this.now());
    midnight.setHours(0, 0, 0, 0);
    const out = emptyCounts();
    for (const [hour, counts] of this.hours) {
      if (hour < hourStart(midnight.getTime())) continue;
      for (const k of METRIC_KINDS) out[k] += counts[k];
    }
    return out;
  }

  /** The last `hours` hours, oldest first, the current hour last; hours without mail are zero. */
  hourly(hours = 24): ({ hour: number } & HourCounts)[] {
    const current = hourStart(this.now());
    const out: ({ hour: number } & HourCounts)[] = [];
    for (let i = hours - 1; i >= 0; i--) {
      const hour = current - i * HOUR;
      const counts = this.hours.get(hour);
      out.push({ hour, ...(counts ? { ...counts } : emptyCounts()) });
    }
    return out;
  }

  /** Write pending increments (one small transaction) and forget hours older than two days. */
  flush(): void {
    if (this.pending.size > 0) {
      const upsert = sql(
        this.db,
        'INSERT INTO metrics_hourly (hour, kind, count) VALUES (?, ?, ?) ON CONFLICT (hour, kind) DO UPDATE SET count = count + excluded.count',
      );
      const entries = [...this.pending];
      this.pending.clear();
      this.db.transaction(() => {
        for (const [hour, counts] of entries) for (const k of METRIC_KINDS) if (counts[k] > 0) upsert.run(hour, k, counts[k]);
        sql(this.db, 'DELETE FROM metrics_hourly WHERE hour < ?').run(hourStart(this.now()) - KEEP_HOURS * HOUR);
      })();
    }
    const horizon = hourStart(this.now()) - 48 * HOUR;
    for (const hour of this.hours.keys()) if (hour < horizon) this.hours.delete(hour);
  }

  private bucket(map: Map<number, HourCounts>, hour: number): HourCounts {
    let b = map.get(hour);
    if (!b) map.set(hour, (b = emptyCounts()));
    return b;
  }
}
