// The outbound queue as the admin API shows it: queue/queue-operations.ts entries turned into the
// contract's QueueItem (a state per message, per-recipient pending / deferred / delivered / failed,
// replies parsed and explained), filters, a summary for the dashboard, the attempt history read
// from the log (every delivery attempt is a log line with its queue id), and the operations.
import { UserError } from '../common/errors.js';
import type { LogRingBuffer } from '../log/ring-buffer.js';
import type { OutboundQueue } from '../queue/outbound-queue.js';
import type { QueueEntryDetail, QueueEntryView } from '../queue/queue-operations.js';
import type { QueueAttempt, QueueFilter, QueueItem, QueueItemDetail, QueueRecipient, QueueSummary } from './contract.js';
import type { QueueAdmin } from './context.js';
import { parseReply } from './remote-replies.js';

const SUMMARY_CACHE_MS = 500;

export function toQueueItem(e: QueueEntryView): QueueItem {
  const recipients: QueueRecipient[] = e.recipients.map((r) => ({
    address: r.address,
    state: r.status === 'sent' ? 'delivered' : r.status === 'failed' ? 'failed' : r.attempts > 0 ? 'deferred' : 'pending',
    attempts: r.attempts,
    lastAttemptAt: r.lastAttemptAt,
    nextAttemptAt: r.nextAttemptAt,
    lastReply: parseReply(r.lastReply, r.statusCode),
    ...(r.remoteMta ? { remoteHost: r.remoteMta } : {}),
  }));
  const waiting = recipients.filter((r) => r.state === 'pending' || r.state === 'deferred');
  const next = waiting.map((r) => r.nextAttemptAt).filter((t): t is number => t !== null);
  const lastFailure = recipients.filter((r) => r.state !== 'delivered' && r.lastReply).sort((a, b) => (b.lastAttemptAt ?? 0) - (a.lastAttemptAt ?? 0))[0];
  return {
    id: e.id,
    sender: e.sender,
    recipients,
    state: e.held ? 'held' : waiting.some((r) => r.state === 'deferred') ? 'deferred' : 'queued',
    arrivedAt: e.createdAt,
    size: e.size,
    attempts: Math.max(0, ...recipients.map((r) => r.attempts)),
    nextAttemptAt: e.held || next.length === 0 ? null : Math.min(...next),
    lastError: lastFailure?.lastReply ? `${lastFailure.lastReply.code}${lastFailure.lastReply.enhanced ? ' ' + lastFailure.lastReply.enhanced : ''} ${lastFailure.lastReply.text}` : null,
    messageId: e.messageId,
    subject: e.subject,
    counts: {
      delivered: recipients.filter((r) => r.state === 'delivered').length,
      pending: waiting.length,
      failed: recipients.filter((r) => r.state === 'failed').length,
    },
  };
}

export function matchesQueueFilter(item: QueueItem, filter: QueueFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.state && item.state !== filter.state) return false;
  if (filter.domain) {
    const d = filter.domain.toLowerCase();
    if (!item.recipients.some((r) => r.address.toLowerCase().endsWith('@' + d))) return false;
  }
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [item.id, item.sender, item.subject ?? '', item.lastError ?? '', item.messageId ?? '', ...item.recipients.map((r) => r.address)].join(' ').toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** Delivery attempts of one message, from the log lines the scheduler writes. */
export function attemptsFromLog(ring: LogRingBuffer | null, id: string): QueueAttempt[] {
  if (!ring) return [];
  const kinds: Record<string, QueueAttempt['result']> = { delivered: 'delivered', deferred: 'deferred', 'delivery failed': 'failed' };
  return ring
    .entries(200, (r) => r.queueId === id && typeof r.msg === 'string' && r.msg in kinds)
    .map(({ record }) => ({
      at: Number(record.time),
      recipient: String(record.to ?? ''),
      host: typeof record.relay === 'string' ? record.relay : null,
      result: kinds[record.msg as string]!,
      reply: parseReply(typeof record.reply === 'string' ? record.reply : null, typeof record.status === 'string' ? record.status : null),
    }));
}

export function queueAdmin(queue: OutboundQueue, ring: LogRingBuffer | null, now: () => number = Date.now): QueueAdmin {
  const ops = queue.operations;
  let cached: { at: number; summary: QueueSummary } | null = null;
  const item = (id: string): QueueItem => {
    const found = ops.list().find((e) => e.id === id);
    if (!found) throw new UserError(`no such queued message: ${id}`, 'not_found');
    return toQueueItem(found);
  };
  const detail = (d: QueueEntryDetail): QueueItemDetail => {
    const row = queue.store.getMessage(d.id);
    return {
      ...toQueueItem(d),
      nextDelayNoticeAt: row?.delayNoticeAt ?? null,
      expiresAt: d.expiresAt,
      history: attemptsFromLog(ring, d.id),
      headers: d.header,
    };
  };
  return {
    list: (filter) => ops.list().map(toQueueItem).filter((i) => matchesQueueFilter(i, filter)),
    show: async (id) => detail(await ops.show(id)),
    retry(id) {
      ops.retryNow(id);
      return item(id);
    },
    hold(id) {
      ops.hold(id);
      return item(id);
    },
    release(id) {
      ops.release(id);
      return item(id);
    },
    delete: (id) => ops.delete(id),
    bounce: async (id) => {
      await ops.bounceNow(id);
    },
    summary() {
      const t = now();
      if (cached && t - cached.at < SUMMARY_CACHE_MS) return cached.summary;
      const items = ops.list().map(toQueueItem);
      const oldest = Math.min(t, ...items.map((i) => i.arrivedAt));
      const summary: QueueSummary = {
        total: items.length,
        deferred: items.filter((i) => i.state === 'deferred').length,
        held: items.filter((i) => i.state === 'held').length,
        oldestAgeSeconds: items.length ? Math.max(0, Math.round((t - oldest) / 1000)) : 0,
      };
      cached = { at: t, summary };
      return summary;
    },
    onChange(listener) {
      return queue.onChange(() => {
        cached = null;
        listener();
      });
    },
  };
}
