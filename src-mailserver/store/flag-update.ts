// Changing flags and keywords of messages (IMAP STORE, implicit \Seen on FETCH BODY[], POP3
// RETR): each changed message gets a new MODSEQ (RFC 7162 §3.1) and its file is renamed to carry
// the new `:2,` letters, so Dovecot reading the same Maildir sees the same flags. Files are
// renamed before the rows are updated: after a crash in between, reconciliation reads the flags
// back from the names. UNCHANGEDSINCE (RFC 7162 §3.1.3) is checked under the mailbox lock.
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachLimited } from '../common/concurrency.js';
import { sql } from '../directory/database.js';
import type { Account } from '../directory/accounts.js';
import { keywordColumn, parseKeywordColumn } from './keywords.js';
import { flagLetters } from './maildir.js';
import type { Mailbox } from './mailbox-index.js';
import { locateMessageFile, messagePath } from './message-files.js';
import { rowsForUids, type MessageRow } from './message-rows.js';
import { folderPathOf, type StoreContext } from './store-context.js';

export interface FlagChange {
  op: 'set' | 'add' | 'remove';
  /** System flag mask (maildir.ts Flag). */
  flags: number;
  keywords: string[];
}

export interface FlagUpdateResult {
  /** Rows as they are now, for every message the change touched (changed or not), ascending UID. */
  rows: MessageRow[];
  /** UIDs whose change was applied (new MODSEQ). */
  changed: number[];
  /** UIDs refused because their MODSEQ was above UNCHANGEDSINCE. */
  modified: number[];
  /** The mailbox gained keywords (clients get a new FLAGS list). */
  keywordsAdded: boolean;
}

function applyChange(row: MessageRow, change: FlagChange, keywords: string[]): { flags: number; keywords: string[] } {
  const current = parseKeywordColumn(row.keywords);
  const lower = (list: string[]) => new Set(list.map((k) => k.toLowerCase()));
  switch (change.op) {
    case 'set':
      return { flags: change.flags, keywords };
    case 'add': {
      const have = lower(current);
      return { flags: row.flags | change.flags, keywords: [...current, ...keywords.filter((k) => !have.has(k.toLowerCase()))] };
    }
    case 'remove': {
      const drop = lower(keywords);
      return { flags: row.flags & ~change.flags, keywords: current.filter((k) => !drop.has(k.toLowerCase())) };
    }
  }
}

export async function updateFlags(
  ctx: StoreContext,
  account: Account,
  mailbox: Mailbox,
  uids: ArrayLike<number>,
  change: FlagChange,
  unchangedSince?: number,
): Promise<FlagUpdateResult> {
  return ctx.locks.exclusive(mailbox.id, async () => {
    const folder = folderPathOf(ctx, account, mailbox);
    const rows = rowsForUids(ctx.db, mailbox.id, uids);
    let keywords = change.keywords;
    let keywordsAdded = false;
    if (change.op !== 'remove' && keywords.length > 0) {
      const ensured = ctx.keywords.ensure(mailbox.id, keywords);
      keywords = ensured.names;
      keywordsAdded = ensured.added;
      if (keywordsAdded) await ctx.keywords.writeFile(folder, mailbox.id);
    }
    const modified: number[] = [];
    const plan: { row: MessageRow; flags: number; keywords: string[]; letters: string }[] = [];
    for (const row of rows) {
      if (unchangedSince !== undefined && row.modseq > unchangedSince) {
        modified.push(row.uid);
        continue;
      }
      const next = applyChange(row, change, keywords);
      const sameKeywords = keywordColumn(next.keywords) === row.keywords;
      if (next.flags === row.flags && sameKeywords) continue;
      plan.push({ row, ...next, letters: flagLetters(next.flags) + ctx.keywords.letters(mailbox.id, next.keywords) });
    }
    const done: typeof plan = [];
    await forEachLimited(plan, 16, async (p) => {
      const target = join(folder, 'cur', `${p.row.filename}:2,${p.letters}`);
      try {
        await rename(messagePath(folder, p.row), target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        const found = await locateMessageFile(folder, p.row.filename);
        if (!found) return; // gone: reconciliation drops the row
        await rename(messagePath(folder, { ...p.row, ...found }), target);
      }
      done.push(p);
    });
    done.sort((a, b) => a.row.uid - b.row.uid);
    const changed: number[] = [];
    let lastModseq = 0;
    if (done.length > 0) {
      ctx.index.reserve(mailbox.id, 0, done.length);
      ctx.db.transaction(() => {
        let modseq = ctx.index.takeModseqs(mailbox.id, done.length);
        const upd = sql(ctx.db, "UPDATE messages SET flags = ?, keywords = ?, subdir = 'cur', letters = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?");
        for (const p of done) {
          upd.run(p.flags, keywordColumn(p.keywords), p.letters, modseq, mailbox.id, p.row.uid);
          Object.assign(p.row, { flags: p.flags, keywords: keywordColumn(p.keywords), subdir: 'cur', letters: p.letters, modseq });
          changed.push(p.row.uid);
          lastModseq = modseq++;
        }
      })();
      ctx.changes.publish({ type: 'flags', accountId: account.id, mailboxId: mailbox.id, uids: changed, modseq: lastModseq });
    }
    return { rows, changed, modified, keywordsAdded };
  });
}
