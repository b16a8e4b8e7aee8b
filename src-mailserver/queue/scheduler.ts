// The queue scheduler: finds recipients whose next attempt is due, groups them into jobs (one
// message, one route: a destination domain, the relay, or local mailboxes), and runs them on
// workers with a concurrency limit per route and in total. A worker keeps its connection for the
// next job of the same route, so a backlog to one host goes over one connection. Each result is
// committed as soon as it is known (a recipient once marked sent is never tried again, even after
// kill -9); a deferral gets exponential backoff with jitter and, past the lifetime, becomes a
// failure. Failures are reported (bounces.ts), finished messages removed. Changes made by other
// processes (the CLI) are noticed through SQLite's data_version within a second.
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { nextAttemptAt, type BackoffPolicy } from './backoff.js';
import { wantsNotice, type BounceSender } from './bounces.js';
import { routeKey, type DeliveryJob, type RecipientOutcome, type Route } from './delivery-job.js';
import type { LocalAgent } from './local-agent.js';
import type { QueueFiles } from './queue-files.js';
import type { AttemptResult, QueuedMessage, QueuedRecipient, QueueStore } from './queue-store.js';
import { relayApplies, type RelayConfig } from './relay-settings.js';
import { closeSlot, type ConnectionSlot, type RemoteDelivery } from './remote-delivery.js';
import type { MetricsSink } from '../metrics/mail-metrics.js';

export type QueueChange = { type: 'added' | 'updated' | 'removed'; id: string } | { type: 'external' };

export interface SchedulerDeps {
  config: Config;
  store: QueueStore;
  files: QueueFiles;
  relay: RelayConfig;
  remote: RemoteDelivery;
  local: LocalAgent;
  bounces: BounceSender;
  log: Logger;
  emit: (change: QueueChange) => void;
  /** Counts remote deliveries, deferrals and failures for the dashboard. */
  metrics?: MetricsSink;
  now?: () => number;
  random?: () => number;
}

/** A worker is added for a route only when this many jobs wait per worker (favours connection reuse). */
const JOBS_PER_WORKER = 4;
const DUE_BATCH = 1000;
const POLL_MS = 1000;
const MAX_SLEEP_MS = 60_000;
const SETTLE_RETRY_MS = 60_000;
/** The sweep for messages left unsettled (normally settled inline) runs at most this often. */
const SETTLE_SWEEP_MS = 30_000;

export class QueueScheduler {
  private readonly inFlight = new Set<number>();
  private readonly inFlightMessages = new Map<string, number>();
  private readonly ready = new Map<string, DeliveryJob[]>();
  private readonly workers = new Map<string, number>();
  private readonly slots = new Set<ConnectionSlot>();
  private readonly running = new Set<Promise<void>>();
  private readonly settling = new Map<string, Promise<void>>();
  private readonly settleRetryAt = new Map<string, number>();
  private active = 0;
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private wakeQueued = false;
  private ticking = false;
  private tickAgain = false;
  private started = false;
  private stopping = false;
  private closed = false;
  private dataVersion = 0;
  private lastSweep = 0;

  constructor(private readonly deps: SchedulerDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private get backoff(): BackoffPolicy {
    const q = this.deps.config.queue;
    return { baseMs: q.retryBaseSeconds * 1000, maxMs: q.retryMaxSeconds * 1000 };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.dataVersion = this.readDataVersion();
    this.poller = setInterval(() => this.poll(), POLL_MS);
    this.poller.unref();
    this.wake();
  }

  /** Look for due work soon (coalesced). */
  wake(): void {
    if (!this.started || this.stopping || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      void this.tick();
    });
  }

  /** Deliveries in progress (recipients). */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Stop starting work; let jobs in progress finish for `graceMs`, then cut their connections. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.ready.clear();
    const all = Promise.allSettled([...this.running, ...this.settling.values()]);
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
    if (timedOut) {
      this.closed = true;
      for (const slot of this.slots) closeSlot(slot);
      await Promise.race([all, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    this.closed = true;
  }

  private readDataVersion(): number {
    return this.deps.store.db.pragma('data_version', { simple: true }) as number;
  }

  private poll(): void {
    if (this.stopping) return;
    try {
      const v = this.readDataVersion();
      if (v !== this.dataVersion) {
        this.dataVersion = v;
        this.deps.emit({ type: 'external' });
        this.lastSweep = 0;
        this.wake();
      }
    } catch (err) {
      this.deps.log.error({ err }, 'queue poll failed');
    }
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    try {
      const now = this.now();
      this.sendDelayNotices(now);
      if (now - this.lastSweep >= SETTLE_SWEEP_MS) {
        this.lastSweep = now;
        this.settleFinished(now);
      }
      this.collectDue(now);
      this.startWorkers();
    } catch (err) {
      this.deps.log.error({ err }, 'queue scheduling failed');
    } finally {
      this.ticking = false;
      if (this.tickAgain) {
        this.tickAgain = false;
        this.wake();
      } else this.scheduleNext();
    }
  }

  private scheduleNext(): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    const next = [this.deps.store.nextDueAt(), this.deps.store.nextDelayNoticeAt()].filter((t): t is number => t !== null);
    let delay = MAX_SLEEP_MS;
    if (next.length > 0) {
      const t = Math.min(...next) - now;
      // Due but already in flight: the worker wakes us when it finishes; check again soon anyway.
      delay = t <= 0 ? POLL_MS : Math.min(t, MAX_SLEEP_MS);
    }
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private routeFor(r: QueuedRecipient): Route {
    if (r.accountId !== null) return { kind: 'local' };
    if (relayApplies(this.deps.relay.current(), r.domain)) return { kind: 'relay' };
    return { kind: 'mx', domain: r.domain };
  }

  private collectDue(now: number): void {
    const due = this.deps.store.dueRecipients(now, DUE_BATCH).filter((r) => !this.inFlight.has(r.id));
    const messages = new Map<string, QueuedMessage | undefined>();
    const jobs = new Map<string, DeliveryJob>();
    for (const r of due) {
      if (!messages.has(r.messageId)) messages.set(r.messageId, this.deps.store.getMessage(r.messageId));
      const message = messages.get(r.messageId);
      if (!message) continue;
      const route = this.routeFor(r);
      const key = `${r.messageId}\0${routeKey(route)}`;
      let job = jobs.get(key);
      if (!job) jobs.set(key, (job = { message, recipients: [], route }));
      job.recipients.push(r);
    }
    for (const job of jobs.values()) {
      for (const r of job.recipients) this.inFlight.add(r.id);
      this.inFlightMessages.set(job.message.id, (this.inFlightMessages.get(job.message.id) ?? 0) + 1);
      const key = routeKey(job.route);
      let list = this.ready.get(key);
      if (!list) this.ready.set(key, (list = []));
      list.push(job);
    }
  }

  private startWorkers(): void {
    const { perDomainConcurrency, maxConcurrency } = this.deps.config.queue;
    for (const [key, list] of this.ready) {
      if (list.length === 0) continue;
      let count = this.workers.get(key) ?? 0;
      const wanted = Math.min(perDomainConcurrency, Math.max(1, Math.ceil(list.length / JOBS_PER_WORKER)));
      while (count < wanted && this.active < maxConcurrency && !this.stopping) {
        count++;
        this.active++;
        this.workers.set(key, count);
        const p = this.runWorker(key).finally(() => this.running.delete(p));
        this.running.add(p);
      }
    }
  }

  private async runWorker(key: string): Promise<void> {
    const slot: ConnectionSlot = { session: null, host: null };
    this.slots.add(slot);
    try {
      for (;;) {
        const job = this.stopping ? undefined : this.ready.get(key)?.shift();
        if (!job) break;
        let settle = false;
        try {
          settle = await this.runJob(job, slot);
        } catch (err) {
          this.deps.log.error({ err, queueId: job.message.id }, 'delivery job failed');
        } finally {
          this.release(job);
        }
        if (settle) await this.settle(job.message.id).catch((err: unknown) => this.deps.log.error({ err, queueId: job.message.id }, 'settling failed'));
      }
    } finally {
      closeSlot(slot);
      this.slots.delete(slot);
      this.active--;
      const left = (this.workers.get(key) ?? 1) - 1;
      if (left > 0) this.workers.set(key, left);
      else this.workers.delete(key);
      if (this.ready.get(key)?.length === 0) this.ready.delete(key);
      if (!this.stopping) {
        this.startWorkers();
        this.wake();
      }
    }
  }

  private release(job: DeliveryJob): void {
    for (const r of job.recipients) this.inFlight.delete(r.id);
    const n = (this.inFlightMessages.get(job.message.id) ?? 1) - 1;
    if (n > 0) this.inFlightMessages.set(job.message.id, n);
    else this.inFlightMessages.delete(job.message.id);
  }

  /** Run one job and record its results; true when the message may need settling. */
  private async runJob(planned: DeliveryJob, slot: ConnectionSlot): Promise<boolean> {
    // Re-read: the message may have been deleted, held or bounced while the job waited.
    const message = this.deps.store.getMessage(planned.message.id);
    if (!message || message.held) return false;
    const ids = new Set(planned.recipients.map((r) => r.id));
    const recipients = this.deps.store.recipientsOf(message.id).filter((r) => ids.has(r.id) && r.status === 'queued');
    if (recipients.length === 0) return false;
    const job: DeliveryJob = { message, recipients, route: planned.route };
    let outcomes: RecipientOutcome[];
    try {
      outcomes = job.route.kind === 'local' ? await this.deps.local.deliver(job) : await this.deps.remote.deliver(job, slot);
    } catch (err) {
      this.deps.log.error({ err, queueId: message.id }, 'delivery attempt failed');
      outcomes = recipients.map((recipient) => ({ recipient, kind: 'deferred', reply: 'Temporary local problem', statusCode: '4.3.0', remoteMta: null }));
    }
    if (this.closed) return false;
    const now = this.now();
    const results = outcomes.map((o) => this.toResult(o, message, now));
    this.deps.store.recordResults(results, now);
    this.logResults(message, job, outcomes, results);
    if (job.route.kind !== 'local') for (const r of results) this.deps.metrics?.count(r.kind === 'sent' ? 'sent' : r.kind === 'deferred' ? 'deferred' : 'bounced');
    this.deps.emit({ type: 'updated', id: message.id });
    await this.sendSuccessNotices(message, results);
    return results.some((r) => r.kind !== 'deferred');
  }

  /** NOTIFY=SUCCESS (RFC 3461): "delivered" for local mailboxes, "relayed" for other servers. */
  private async sendSuccessNotices(message: QueuedMessage, results: AttemptResult[]): Promise<void> {
    const sentIds = new Set(results.filter((r) => r.kind === 'sent').map((r) => r.recipientId));
    if (sentIds.size === 0 || message.sender === '') return;
    const rows = this.deps.store.recipientsOf(message.id).filter((r) => sentIds.has(r.id) && r.notify !== null && wantsNotice(r.notify, 'relayed'));
    for (const action of ['delivered', 'relayed'] as const) {
      const group = rows.filter((r) => (r.accountId !== null) === (action === 'delivered'));
      if (group.length === 0) continue;
      await this.deps.bounces
        .notify(message, group, action)
        .catch((err: unknown) => this.deps.log.error({ err, queueId: message.id }, 'could not send the success notice'));
    }
  }

  private toResult(o: RecipientOutcome, message: QueuedMessage, now: number): AttemptResult {
    const base = { recipientId: o.recipient.id, reply: o.reply.slice(0, 1000), statusCode: o.statusCode, remoteMta: o.remoteMta };
    if (o.kind !== 'deferred') return { ...base, kind: o.kind };
    if (now >= message.expiresAt) return { ...base, kind: 'failed', reply: `delivery time expired; last error: ${base.reply}` };
    return { ...base, kind: 'deferred', nextAttemptAt: nextAttemptAt(this.backoff, o.recipient.attempts + 1, now, message.expiresAt, this.deps.random) };
  }

  private logResults(message: QueuedMessage, job: DeliveryJob, outcomes: RecipientOutcome[], results: AttemptResult[]): void {
    outcomes.forEach((o, i) => {
      const r = results[i]!;
      const fields = {
        queueId: message.id,
        msgid: message.messageId ?? undefined,
        from: message.sender,
        to: o.recipient.address,
        route: routeKey(job.route),
        relay: o.remoteMta ?? undefined,
        attempts: o.recipient.attempts + 1,
        status: r.statusCode,
        reply: r.reply,
        result: r.kind,
        nextAttemptAt: r.kind === 'deferred' ? r.nextAttemptAt : undefined,
      };
      if (r.kind === 'sent') this.deps.log.info(fields, 'delivered');
      else if (r.kind === 'deferred') this.deps.log.warn(fields, 'deferred');
      else this.deps.log.warn(fields, 'delivery failed');
    });
  }

  /** Report unreported failures, remove the message when nothing is left (once at a time per message). */
  settle(messageId: string): Promise<void> {
    const previous = this.settling.get(messageId) ?? Promise.resolve();
    const next = previous.then(() => this.settleNow(messageId));
    const tracked = next.finally(() => {
      if (this.settling.get(messageId) === tracked) this.settling.delete(messageId);
    });
    this.settling.set(messageId, tracked);
    return next;
  }

  private async settleNow(messageId: string): Promise<void> {
    if (this.closed) return;
    const message = this.deps.store.getMessage(messageId);
    if (!message) return;
    const rows = this.deps.store.recipientsOf(messageId);
    const unreported = rows.filter((r) => r.status === 'failed' && !r.reported);
    if (unreported.length > 0) {
      try {
        await this.deps.bounces.notify(message, unreported, 'failed');
      } catch (err) {
        this.deps.log.error({ err, queueId: messageId }, 'could not send the failure report; will retry');
        this.settleRetryAt.set(messageId, this.now() + SETTLE_RETRY_MS);
        return;
      }
      if (this.closed) return;
      this.deps.store.markReported(unreported.map((r) => r.id));
    }
    if (rows.some((r) => r.status === 'queued') || (this.inFlightMessages.get(messageId) ?? 0) > 0) return;
    await this.deps.files.removeEnvelope(messageId);
    if (this.closed) return;
    this.deps.store.deleteMessage(messageId);
    await this.deps.files.removeMessage(messageId);
    this.settleRetryAt.delete(messageId);
    this.deps.log.info({ queueId: messageId, sent: rows.filter((r) => r.status === 'sent').length, failed: rows.filter((r) => r.status === 'failed').length }, 'removed from queue');
    this.deps.emit({ type: 'removed', id: messageId });
  }

  /** Messages left finished or unreported (a crash between steps, a failed report): settle them. */
  private settleFinished(now: number): void {
    for (const id of this.deps.store.messagesToSettle()) {
      if (this.settling.has(id) || (this.inFlightMessages.get(id) ?? 0) > 0) continue;
      if ((this.settleRetryAt.get(id) ?? 0) > now) continue;
      void this.settle(id).catch((err: unknown) => this.deps.log.error({ err, queueId: id }, 'settling failed'));
    }
  }

  private sendDelayNotices(now: number): void {
    for (const message of this.deps.store.delayNoticesDue(now)) {
      // Cleared first: a delay notice is sent at most once, even if sending it fails.
      this.deps.store.clearDelayNotice(message.id);
      const waiting = this.deps.store.recipientsOf(message.id).filter((r) => r.status === 'queued');
      void this.deps.bounces
        .notify(message, waiting, 'delayed', now)
        .then(() => this.deps.emit({ type: 'updated', id: message.id }))
        .catch((err: unknown) => this.deps.log.error({ err, queueId: message.id }, 'could not send the delay notice'));
    }
  }
}
