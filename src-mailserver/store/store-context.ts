// What the store's operations share: the database, the index, the change bus, directory fsync
// group commit, per-mailbox locks and keyword tables. MessageStore is the one implementation.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../directory/database.js';
import type { Account } from '../directory/accounts.js';
import type { ChangeBus } from './changes.js';
import type { DirSyncer } from './dir-sync.js';
import type { KeywordTable } from './keywords.js';
import type { MailboxLocks } from './mailbox-lock.js';
import type { Mailbox, MailboxIndex } from './mailbox-index.js';

export interface StoreContext {
  readonly dataDir: string;
  readonly db: Db;
  readonly index: MailboxIndex;
  readonly changes: ChangeBus;
  readonly dirSync: DirSyncer;
  readonly locks: MailboxLocks;
  readonly keywords: KeywordTable;
  readonly log: Logger;
  maildirOf(account: Account): string;
}

export function folderPathOf(ctx: StoreContext, account: Account, mailbox: Pick<Mailbox, 'dir'>): string {
  return join(ctx.maildirOf(account), mailbox.dir);
}
