// A unit of delivery work: one queued message and those of its recipients that share a route
// (one destination domain, the relay, or local mailboxes), and what became of each recipient.
import type { QueuedMessage, QueuedRecipient } from './queue-store.js';

export type Route = { kind: 'local' } | { kind: 'mx'; domain: string } | { kind: 'relay' };

export function routeKey(route: Route): string {
  return route.kind === 'mx' ? `mx:${route.domain}` : route.kind;
}

export interface DeliveryJob {
  message: QueuedMessage;
  recipients: QueuedRecipient[];
  route: Route;
}

export interface RecipientOutcome {
  recipient: QueuedRecipient;
  /** sent: done; deferred: try again later; failed: permanent (report to the sender). */
  kind: 'sent' | 'deferred' | 'failed';
  /** The remote reply, or our description of what happened. */
  reply: string;
  /** Enhanced status code (RFC 3463). */
  statusCode: string;
  /** The host that gave `reply`, when one did. */
  remoteMta: string | null;
}

export function outcomesFor(job: DeliveryJob, kind: RecipientOutcome['kind'], reply: string, statusCode: string, remoteMta: string | null = null): RecipientOutcome[] {
  return job.recipients.map((recipient) => ({ recipient, kind, reply, statusCode, remoteMta }));
}
