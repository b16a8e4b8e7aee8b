// The message store: Maildir files plus the SQLite mailbox index plus the change bus, behind one
// object that the protocols use. Start-up runs the crash recovery steps in order: counters up to
// their durable reservations, leftover spool files removed, index reconciled with the files.
import type { Logger } from 'pino';
import type { Db } from '../directory/database.js';
import type { Account } from '../directory/accounts.js';
import { join } from 'node:path';
import { ChangeBus } from './changes.js';
import { DirSyncer } from './dir-sync.js';
import { LocalDelivery } from './delivery.js';
import { accountMaildir } from './maildir.js';
import { MailboxIndex } from './mailbox-index.js';
import { reconcileMailbox, type ReconcileReport } from './reconcile.js';
import { cleanIncoming } from './spool.js';

export class MessageStore {
  readonly index: MailboxIndex;
  readonly changes = new ChangeBus();
  readonly dirSync = new DirSyncer();
  readonly delivery: LocalDelivery;

  constructor(
    readonly dataDir: string,
    readonly db: Db,
    private readonly log: Logger,
  ) {
    this.index = new MailboxIndex(db);
    this.delivery = new LocalDelivery(dataDir, this.index, this.changes, this.dirSync, log);
  }

  maildirOf(account: Account): string {
    return accountMaildir(this.dataDir, account.domain, account.localPart);
  }

  /** Crash recovery at server start; see the file header. */
  async startRun(accounts: Account[]): Promise<ReconcileReport & { wasClean: boolean; spoolRemoved: number }> {
    const { wasClean } = this.index.beginRun();
    const spoolRemoved = await cleanIncoming(this.dataDir);
    const total: ReconcileReport = { mailboxes: 0, indexed: 0, dropped: 0, updated: 0 };
    for (const account of accounts) {
      await this.delivery.ensureAccount(account);
      for (const mailbox of this.index.listMailboxes(account.id)) {
        const r = await reconcileMailbox(this.db, this.index, mailbox, join(this.maildirOf(account), mailbox.dir), this.log);
        total.mailboxes += r.mailboxes;
        total.indexed += r.indexed;
        total.dropped += r.dropped;
        total.updated += r.updated;
      }
    }
    if (!wasClean) this.log.warn({ ...total, spoolRemoved }, 'recovered after an unclean stop');
    return { ...total, wasClean, spoolRemoved };
  }

  endRun(): void {
    this.index.endRun();
  }
}
