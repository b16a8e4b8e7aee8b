// Removing messages for good (IMAP EXPUNGE, UID EXPUNGE, CLOSE, MOVE's second half, POP3 QUIT
// in UPDATE state): unlink the files, fsync their directories, then delete the rows and leave
// a tombstone per UID with the new MODSEQ (RFC 7162 §3.2.10, QRESYNC's VANISHED). The files
// go first, so after a crash a message either still exists or is gone, never resurrected under
// a new UID; rows left without a file are dropped by reconciliation (with a tombstone).
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachLimited } from '../common/concurrency.js';
import { sql, type Db } from '../directory/database.js';
import type { Account } from '../directory/accounts.js';
import { Flag } from './maildir.js';
import type { Mailbox, MailboxIndex } from './mailbox-index.js';
import { locateMessageFile, messagePath } from './message-files.js';
import { rowsForUids, type MessageRow } from './message-rows.js';
import { folderPathOf, type StoreContext } from './store-context.js';

export interface ExpungeOptions {
  /** Only these UIDs (UID EXPUNGE, MOVE); otherwise every message of the mailbox. */
  uids?: ArrayLike<number>;
  /** Only messages flagged \Deleted (EXPUNGE); MOVE and POP3 DELE pass false. */
  onlyDeleted: boolean;
}

/** Unlink message files (following renames by other programs) and fsync the directories touched. */
export async function unlinkMessageFiles(ctx: StoreContext, folder: string, rows: MessageRow[]): Promise<void> {
  const dirs = new Set<string>();
  await forEachLimited(rows, 16, async (row) => {
    try {
      await unlink(messagePath(folder, row));
      dirs.add(row.subdir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const found = await locateMessageFile(folder, row.filename);
      if (!found) return;
      await unlink(messagePath(folder, { ...row, ...found })).catch(() => undefined);
      dirs.add(found.subdir);
    }
  });
  await Promise.all([...dirs].map((d) => ctx.dirSync.sync(join(folder, d))));
}

/** Inside a transaction: delete rows and record tombstones at one new MODSEQ. Returns that MODSEQ. */
export function removeRows(db: Db, index: MailboxIndex, mailboxId: number, uids: number[]): number {
  const modseq = index.takeModseqs(mailboxId, 1);
  const del = sql(db, 'DELETE FROM messages WHERE mailbox_id = ? AND uid = ?');
  const tomb = sql(db, 'INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)');
  for (const uid of uids) {
    del.run(mailboxId, uid);
    tomb.run(mailboxId, uid, modseq);
  }
  return modseq;
}

/** Expunge messages; returns the UIDs removed, ascending. */
export async function expungeMessages(ctx: StoreContext, account: Account, mailbox: Mailbox, options: ExpungeOptions): Promise<number[]> {
  return ctx.locks.exclusive(mailbox.id, async () => {
    const folder = folderPathOf(ctx, account, mailbox);
    let rows: MessageRow[];
    if (options.uids) rows = rowsForUids(ctx.db, mailbox.id, options.uids);
    else
      rows = sql(
        ctx.db,
        `SELECT id, uid, modseq, flags, keywords, internaldate, size, filename, subdir, letters FROM messages
         WHERE mailbox_id = ? AND (flags & ${Flag.Deleted}) != 0 ORDER BY uid`,
      ).all(mailbox.id) as MessageRow[];
    if (options.onlyDeleted) rows = rows.filter((r) => r.flags & Flag.Deleted);
    if (rows.length === 0) return [];
    await unlinkMessageFiles(ctx, folder, rows);
    const uids = rows.map((r) => r.uid);
    ctx.index.reserve(mailbox.id, 0, 1);
    const modseq = ctx.db.transaction(() => removeRows(ctx.db, ctx.index, mailbox.id, uids))();
    ctx.changes.publish({ type: 'expunge', accountId: account.id, mailboxId: mailbox.id, uids, modseq });
    return uids;
  });
}
