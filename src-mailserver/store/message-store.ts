// The message store: Maildir files plus the SQLite mailbox index plus the change bus, behind one
// object that the protocols use. Start-up runs the crash recovery steps in order: counters up to
// their durable reservations, leftover spool files removed, index reconciled with the files.
// Mailbox access (IMAP, POP3) goes through the methods below, each of which keeps files, rows and
// the change bus in step (see the file each one comes from).
import type { Logger } from 'pino';
import type { Db } from '../directory/database.js';
import type { Account } from '../directory/accounts.js';
import { join } from 'node:path';
import { unlink } from 'node:fs/promises';
import { UserError } from '../common/errors.js';
import { ChangeBus } from './changes.js';
import { DirSyncer } from './dir-sync.js';
import { LocalDelivery } from './delivery.js';
import { copyMessages, type CopyResult } from './copy-move.js';
import { expungeMessages, type ExpungeOptions } from './expunge.js';
import { updateFlags, type FlagChange, type FlagUpdateResult } from './flag-update.js';
import { KeywordTable } from './keywords.js';
import { accountMaildir } from './maildir.js';
import { MailboxIndex, type Mailbox } from './mailbox-index.js';
import { MailboxLocks } from './mailbox-lock.js';
import { MailboxSnapshots } from './mailbox-snapshot.js';
import { createMailbox, deleteMailbox, renameMailbox, subscribe, subscriptions, unsubscribe } from './mailbox-ops.js';
import { reconcileMailbox, type ReconcileReport } from './reconcile.js';
import { cleanIncoming, SpoolWriter } from './spool.js';
import { openMessageFile } from './message-files.js';
import { computeMeta, insertMeta, readMeta, type MessageMeta } from './message-meta.js';
import type { MessageRow } from './message-rows.js';
import type { FileHandle } from 'node:fs/promises';
import type { StoreContext } from './store-context.js';

export interface AppendOptions {
  flags?: number;
  keywords?: string[];
  internalDate?: number;
}

export class MessageStore implements StoreContext {
  readonly index: MailboxIndex;
  readonly changes = new ChangeBus();
  readonly dirSync = new DirSyncer();
  readonly locks = new MailboxLocks();
  readonly keywords: KeywordTable;
  readonly delivery: LocalDelivery;
  /** In-memory UID/flag snapshots of mailboxes, shared by sessions (mailbox-snapshot.ts). */
  readonly snapshots: MailboxSnapshots;

  constructor(
    readonly dataDir: string,
    readonly db: Db,
    readonly log: Logger,
  ) {
    this.index = new MailboxIndex(db);
    this.keywords = new KeywordTable(db);
    this.delivery = new LocalDelivery(this);
    this.snapshots = new MailboxSnapshots(db);
  }

  maildirOf(account: Account): string {
    return accountMaildir(this.dataDir, account.domain, account.localPart);
  }

  folderPath(account: Account, mailbox: Pick<Mailbox, 'dir'>): string {
    return join(this.maildirOf(account), mailbox.dir);
  }

  /** Crash recovery at server start; see the file header. */
  async startRun(accounts: Account[]): Promise<ReconcileReport & { wasClean: boolean; spoolRemoved: number }> {
    const { wasClean } = this.index.beginRun();
    const spoolRemoved = await cleanIncoming(this.dataDir);
    const total: ReconcileReport = { mailboxes: 0, indexed: 0, dropped: 0, updated: 0 };
    for (const account of accounts) {
      await this.delivery.ensureAccount(account);
      for (const mailbox of this.index.listMailboxes(account.id)) {
        const r = await reconcileMailbox(this, mailbox, join(this.maildirOf(account), mailbox.dir));
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

  /**
   * Store a message exactly as given into an existing mailbox (IMAP APPEND): spool, fsync,
   * link, directory fsync, index row, change event — the same durable path as SMTP delivery.
   */
  async append(account: Account, mailbox: Mailbox, data: Buffer | Buffer[], options: AppendOptions = {}): Promise<{ uid: number; uidValidity: number }> {
    const writer = await SpoolWriter.create(this.dataDir);
    let spoolPath: string | null = null;
    try {
      for (const chunk of Array.isArray(data) ? data : [data]) await writer.write(chunk);
      const spool = await writer.finish();
      spoolPath = spool.path;
      const [outcome] = await this.delivery.deliver(
        spool,
        [{ account, mailbox: mailbox.name, flags: options.flags ?? 0, keywords: options.keywords ?? [] }],
        options.internalDate ?? Date.now(),
      );
      if (!outcome!.ok) {
        if (outcome!.reason === 'quota') throw new UserError('Quota exceeded (mailbox for user is full)', 'overquota');
        throw outcome!.error instanceof Error ? outcome!.error : new Error('append failed');
      }
      return { uid: outcome!.uid, uidValidity: outcome!.uidValidity };
    } catch (err) {
      if (!spoolPath) await writer.abort();
      throw err;
    } finally {
      if (spoolPath) await unlink(spoolPath).catch(() => undefined);
    }
  }

  /** The cached structure and search fields of a message, computed now if it has none yet. */
  async metaOf(account: Account, mailbox: Mailbox, row: MessageRow): Promise<MessageMeta | null> {
    const cached = readMeta(this.db, row.id);
    if (cached) return cached;
    const fh = await openMessageFile(this.db, mailbox.id, this.folderPath(account, mailbox), row);
    if (!fh) return null;
    try {
      insertMeta(this.db, row.id, await computeMeta(fh));
    } finally {
      await fh.close();
    }
    return readMeta(this.db, row.id) ?? null;
  }

  /** Open a message's file for reading (null when it is gone). */
  openMessage(account: Account, mailbox: Mailbox, row: MessageRow): Promise<FileHandle | null> {
    return openMessageFile(this.db, mailbox.id, this.folderPath(account, mailbox), row);
  }

  updateFlags(account: Account, mailbox: Mailbox, uids: ArrayLike<number>, change: FlagChange, unchangedSince?: number): Promise<FlagUpdateResult> {
    return updateFlags(this, account, mailbox, uids, change, unchangedSince);
  }

  expunge(account: Account, mailbox: Mailbox, options: ExpungeOptions): Promise<number[]> {
    return expungeMessages(this, account, mailbox, options);
  }

  copy(account: Account, source: Mailbox, uids: ArrayLike<number>, target: Mailbox, move: boolean): Promise<CopyResult> {
    return copyMessages(this, account, source, uids, target, move);
  }

  createMailbox(account: Account, name: string): Promise<Mailbox> {
    return createMailbox(this, account, name);
  }

  deleteMailbox(account: Account, name: string): Promise<void> {
    return deleteMailbox(this, account, name);
  }

  renameMailbox(account: Account, from: string, to: string): Promise<void> {
    return renameMailbox(this, account, from, to);
  }

  subscribe(account: Account, name: string): Promise<void> {
    return subscribe(this, account, name);
  }

  unsubscribe(account: Account, name: string): Promise<boolean> {
    return unsubscribe(this, account, name);
  }

  subscriptions(account: Account): Set<string> {
    return subscriptions(this, account);
  }
}
