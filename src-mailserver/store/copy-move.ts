// COPY and MOVE between mailboxes of one account (RFC 9051 §6.4.7, RFC 6851, RFC 4315 COPYUID).
// A copy hard-links each file into the target's cur/ under a new name (flags kept, keywords
// re-lettered for the target's dovecot-keywords); a move renames it there, so a message is never
// visible twice. The target directory is fsync'd before any row is committed; a move's source
// rows go with tombstones in the same transaction. A `copy` event on the change bus tells who
// cares (spam training) that a user put messages into or took them out of, say, Junk.
import { link, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';
import type { Account } from '../directory/accounts.js';
import { keywordColumn, parseKeywordColumn } from './keywords.js';
import { flagLetters, newMessageFileName } from './maildir.js';
import type { Mailbox } from './mailbox-index.js';
import { locateMessageFile, messagePath } from './message-files.js';
import { rowsForUids, type MessageRow } from './message-rows.js';
import { removeRows } from './expunge.js';
import { folderPathOf, type StoreContext } from './store-context.js';

export interface CopyResult {
  sourceUids: number[];
  targetUids: number[];
  uidValidity: number;
}

export async function copyMessages(
  ctx: StoreContext,
  account: Account,
  source: Mailbox,
  uids: ArrayLike<number>,
  target: Mailbox,
  move: boolean,
): Promise<CopyResult> {
  const locks = [
    { id: source.id, exclusive: move },
    { id: target.id, exclusive: false },
  ];
  return ctx.locks.many(locks, async () => {
    const sourceFolder = folderPathOf(ctx, account, source);
    const targetFolder = folderPathOf(ctx, account, target);
    const rows = rowsForUids(ctx.db, source.id, uids);
    if (rows.length === 0) return { sourceUids: [], targetUids: [], uidValidity: target.uidValidity };
    if (!move && (account.quotaBytes !== null || account.quotaMessages !== null)) {
      const usage = ctx.index.accountUsage(account.id);
      const bytes = rows.reduce((n, r) => n + r.size, 0);
      if ((account.quotaBytes !== null && usage.bytes + bytes > account.quotaBytes) || (account.quotaMessages !== null && usage.messages + rows.length > account.quotaMessages)) {
        throw new UserError('Quota exceeded (mailbox for user is full)', 'overquota');
      }
    }
    const allKeywords = [...new Set(rows.flatMap((r) => parseKeywordColumn(r.keywords)))];
    if (allKeywords.length > 0 && ctx.keywords.ensure(target.id, allKeywords).added) await ctx.keywords.writeFile(targetFolder, target.id);
    const placed: { row: MessageRow; base: string; letters: string; keywords: string[]; path: string; from: string }[] = [];
    try {
      // One at a time, in UID order: the new UIDs follow the source order (RFC 4315 COPYUID).
      for (const row of rows) {
        const keywords = ctx.keywords.ensure(target.id, parseKeywordColumn(row.keywords)).names;
        const letters = flagLetters(row.flags) + ctx.keywords.letters(target.id, keywords);
        const base = newMessageFileName(row.size);
        const path = join(targetFolder, 'cur', `${base}:2,${letters}`);
        let from = messagePath(sourceFolder, row);
        const put = move ? rename : link;
        try {
          await put(from, path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          const found = await locateMessageFile(sourceFolder, row.filename);
          if (!found) continue; // already gone
          from = messagePath(sourceFolder, { ...row, ...found });
          await put(from, path);
        }
        placed.push({ row, base, letters, keywords, path, from });
      }
      await ctx.dirSync.sync(join(targetFolder, 'cur'));
      if (move) await Promise.all(['cur', 'new'].map((d) => ctx.dirSync.sync(join(sourceFolder, d))));
    } catch (err) {
      for (const p of placed) await (move ? rename(p.path, p.from) : unlink(p.path)).catch(() => undefined);
      throw err;
    }
    ctx.index.reserve(target.id, placed.length, placed.length);
    if (move) ctx.index.reserve(source.id, 0, 1);
    const { assigned, expungeModseq } = ctx.db.transaction(() => {
      const assigned = ctx.index.addMessages(
        placed.map((p) => ({
          mailboxId: target.id,
          filename: p.base,
          subdir: 'cur' as const,
          size: p.row.size,
          internalDate: p.row.internaldate,
          flags: p.row.flags,
          keywords: keywordColumn(p.keywords),
          letters: p.letters,
          metaFrom: p.row.id,
        })),
      );
      const expungeModseq = move ? removeRows(ctx.db, ctx.index, source.id, placed.map((p) => p.row.uid)) : 0;
      return { assigned, expungeModseq };
    })();
    const sourceUids = placed.map((p) => p.row.uid);
    const targetUids = assigned.map((a) => a.uid);
    for (const a of assigned) ctx.changes.publish({ type: 'append', accountId: account.id, mailboxId: target.id, uid: a.uid, modseq: a.modseq });
    if (move) ctx.changes.publish({ type: 'expunge', accountId: account.id, mailboxId: source.id, uids: sourceUids, modseq: expungeModseq });
    ctx.changes.publish({
      type: 'copy',
      accountId: account.id,
      sourceMailboxId: source.id,
      sourceSpecialUse: source.specialUse,
      mailboxId: target.id,
      targetSpecialUse: target.specialUse,
      sourceUids,
      uids: targetUids,
      move,
    });
    return { sourceUids, targetUids, uidValidity: target.uidValidity };
  });
}
