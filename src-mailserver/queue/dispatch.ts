// Sending a message we originate or accept from an authenticated user (submission, DSNs): local
// recipients (after alias expansion) get it in their Maildir at once, everything else goes into
// the queue, in one step that is durable when it resolves. A local delivery that fails is queued
// for retry rather than lost; forwarding targets of local aliases are queued like remote mail.
// A local recipient that asked for NOTIFY=SUCCESS (RFC 3461 §4.1) goes through the queue too, whose
// local agent delivers it at once and sends the "delivered" report (scheduler.ts).
import type { Logger } from 'pino';
import type { Account } from '../directory/accounts.js';
import type { Directory } from '../directory/directory.js';
import { parseAddress } from '../mail/address.js';
import type { LocalDelivery } from '../store/delivery.js';
import type { SpooledMessage } from '../store/spool.js';
import { wantsNotice } from './bounces.js';
import type { QueueAddRequest, QueueIntake, RecipientInput } from './queue-intake.js';

export interface DispatchRequest extends Omit<QueueAddRequest, 'source' | 'size' | 'recipients' | 'origin'> {
  spool: SpooledMessage;
  recipients: { address: string; notify?: string | null; orcpt?: string | null }[];
  origin: 'submission' | 'dsn';
}

export interface DispatchResult {
  queueId: string | null;
  /** Local mailboxes that have the message now. */
  delivered: number;
  /** Recipients left to the queue (remote, or local retries). */
  queued: number;
  /** Local addresses that resolve to nobody (dropped; callers refuse these earlier). */
  unknown: string[];
}

export class MailDispatcher {
  constructor(
    private readonly directory: Directory,
    private readonly delivery: LocalDelivery,
    private readonly intake: QueueIntake,
    private readonly log: Logger,
  ) {}

  async dispatch(req: DispatchRequest): Promise<DispatchResult> {
    const accounts = new Map<number, Account>();
    /** The DSN parameters of the first recipient that reached each account (for retries and reports). */
    const dsnOf = new Map<number, { notify: string | null; orcpt: string | null }>();
    const successWanted = new Set<number>();
    const queued: RecipientInput[] = [];
    const remoteSeen = new Set<string>();
    const unknown: string[] = [];
    for (const r of req.recipients) {
      const address = parseAddress(r.address);
      const resolution = address ? this.directory.recipients.resolve(address) : { kind: 'unknown' as const };
      switch (resolution.kind) {
        case 'not-local':
          if (!remoteSeen.has(r.address.toLowerCase())) {
            remoteSeen.add(r.address.toLowerCase());
            queued.push({ address: r.address, notify: r.notify, orcpt: r.orcpt });
          }
          break;
        case 'deliver':
          for (const a of resolution.accounts) {
            accounts.set(a.id, a);
            const success = r.notify ? wantsNotice(r.notify, 'delivered') : false;
            // The first recipient that reached the account decides, unless a later one asks for success.
            if (!dsnOf.has(a.id) || (success && !successWanted.has(a.id))) {
              const orcpt = r.orcpt ?? (r.address.toLowerCase() !== a.address.toLowerCase() ? `rfc822;${r.address}` : null);
              dsnOf.set(a.id, { notify: r.notify ?? null, orcpt });
            }
            if (success) successWanted.add(a.id);
          }
          for (const target of resolution.remote) {
            if (remoteSeen.has(target.toLowerCase())) continue;
            remoteSeen.add(target.toLowerCase());
            queued.push({ address: target, notify: r.notify, orcpt: r.orcpt ?? `rfc822;${r.address}` });
          }
          break;
        default:
          unknown.push(r.address);
      }
    }
    // Only a message with a sender can be reported on (never a report to the null sender).
    if (req.sender !== '') {
      for (const id of successWanted) {
        const account = accounts.get(id)!;
        accounts.delete(id);
        const dsn = dsnOf.get(id)!;
        queued.push({ address: account.address, accountId: id, notify: dsn.notify, orcpt: dsn.orcpt });
      }
    }
    let delivered = 0;
    if (accounts.size > 0) {
      const outcomes = await this.delivery.deliver(
        req.spool,
        [...accounts.values()].map((account) => ({ account })),
      );
      for (const o of outcomes) {
        if (o.ok) delivered++;
        else {
          this.log.warn({ queueId: req.id, to: o.target.account.address, reason: o.reason }, 'local delivery failed; queued for retry');
          const dsn = dsnOf.get(o.target.account.id);
          queued.push({ address: o.target.account.address, accountId: o.target.account.id, notify: dsn?.notify ?? null, orcpt: dsn?.orcpt ?? null });
        }
      }
    }
    let queueId: string | null = null;
    if (queued.length > 0) {
      queueId = await this.intake.add({ ...req, source: req.spool.path, size: req.spool.size, recipients: queued, origin: req.origin });
    }
    return { queueId, delivered, queued: queued.length, unknown };
  }
}
