// Delivering a queued message into local mailboxes (retries of local deliveries that failed
// while the client waited, and local recipients of a queued message): hard-link the queue file
// into each account's Maildir through the store. A full mailbox is permanent (5.2.2, as
// Dovecot's LMTP answers by default); a storage error is retried.
import type { Account, AccountTable } from '../directory/accounts.js';
import type { LocalDelivery } from '../store/delivery.js';
import type { DeliveryJob, RecipientOutcome } from './delivery-job.js';
import type { QueueFiles } from './queue-files.js';

export class LocalAgent {
  constructor(
    private readonly accounts: AccountTable,
    private readonly delivery: LocalDelivery,
    private readonly files: QueueFiles,
  ) {}

  async deliver(job: DeliveryJob): Promise<RecipientOutcome[]> {
    const outcomes: RecipientOutcome[] = [];
    const targets: { recipient: DeliveryJob['recipients'][number]; account: Account }[] = [];
    for (const recipient of job.recipients) {
      const account = recipient.accountId !== null ? this.accounts.byId(recipient.accountId) : undefined;
      if (!account) outcomes.push({ recipient, kind: 'failed', reply: 'No such mailbox (account removed)', statusCode: '5.1.1', remoteMta: null });
      else targets.push({ recipient, account });
    }
    if (targets.length === 0) return outcomes;
    const spool = { path: this.files.messagePath(job.message.id), size: job.message.size, headerBytes: 0 };
    const results = await this.delivery.deliver(
      spool,
      targets.map((t) => ({ account: t.account })),
    );
    results.forEach((r, i) => {
      const { recipient } = targets[i]!;
      if (r.ok) outcomes.push({ recipient, kind: 'sent', reply: 'delivered to the mailbox', statusCode: '2.0.0', remoteMta: null });
      else if (r.reason === 'quota') outcomes.push({ recipient, kind: 'failed', reply: 'Mailbox full', statusCode: '5.2.2', remoteMta: null });
      else outcomes.push({ recipient, kind: 'deferred', reply: 'Temporary local problem storing the message', statusCode: '4.3.0', remoteMta: null });
    });
    return outcomes;
  }
}
