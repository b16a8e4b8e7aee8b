// Reading the message index for mailbox access: rows by UID range, the UID list of a mailbox (a
// typed array, for compact sessions), changes since a MODSEQ (flag changes, new messages,
// expunge tombstones) and per-mailbox counters for SELECT and STATUS. All queries use the
// (mailbox_id, uid) and (mailbox_id, modseq) indexes, so their cost follows the answer's size.
import { sql, type Db } from '../directory/database.js';
import { Flag, flagLetters } from './maildir.js';

export interface MessageRow {
  id: number;
  uid: number;
  modseq: number;
  flags: number;
  keywords: string;
  internaldate: number;
  size: number;
  filename: string;
  subdir: 'new' | 'cur';
  letters: string | null;
}

const COLUMNS = 'id, uid, modseq, flags, keywords, internaldate, size, filename, subdir, letters';

/** The file name on disk of a message row: new/ has no info part, cur/ has `:2,` + letters. */
export function storedNameOf(row: Pick<MessageRow, 'filename' | 'subdir' | 'letters' | 'flags'>): string {
  return row.subdir === 'new' ? row.filename : `${row.filename}:2,${row.letters ?? flagLetters(row.flags)}`;
}

/** Every UID of a mailbox in ascending order. */
export function mailboxUids(db: Db, mailboxId: number): Uint32Array {
  const stmt = sql(db, 'SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid');
  const uids = stmt.pluck().all(mailboxId) as number[];
  stmt.pluck(false);
  return Uint32Array.from(uids);
}

/** Rows with lo <= uid <= hi, ascending. */
export function rowsInUidRange(db: Db, mailboxId: number, lo: number, hi: number): MessageRow[] {
  return sql(db, `SELECT ${COLUMNS} FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid`).all(mailboxId, lo, hi) as MessageRow[];
}

export function iterateUidRange(db: Db, mailboxId: number, lo: number, hi: number): IterableIterator<MessageRow> {
  return sql(db, `SELECT ${COLUMNS} FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid`).iterate(mailboxId, lo, hi) as IterableIterator<MessageRow>;
}

export function rowByUid(db: Db, mailboxId: number, uid: number): MessageRow | undefined {
  return sql(db, `SELECT ${COLUMNS} FROM messages WHERE mailbox_id = ? AND uid = ?`).get(mailboxId, uid) as MessageRow | undefined;
}

/** The index columns a FETCH of flags, sizes and dates needs, for lo <= uid <= hi, ascending. */
export interface IndexColumns {
  uid: number;
  modseq: number;
  flags: number;
  keywords: string;
  internaldate: number;
  size: number;
}

export function indexColumnsInRange(db: Db, mailboxId: number, lo: number, hi: number): IndexColumns[] {
  return sql(db, 'SELECT uid, modseq, flags, keywords, internaldate, size FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid').all(
    mailboxId,
    lo,
    hi,
  ) as IndexColumns[];
}

/** Rows (by `query` over a UID range) for a sorted list of UIDs: close UIDs share one range query. */
function forUids<R extends { uid: number }>(uids: ArrayLike<number>, query: (lo: number, hi: number) => R[]): R[] {
  const out: R[] = [];
  let i = 0;
  while (i < uids.length) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1]! - uids[j]! <= 16) j++;
    // Walk the range's rows and the wanted UIDs together (both ascending).
    let w = i;
    for (const row of query(uids[i]!, uids[j]!)) {
      while (w <= j && uids[w]! < row.uid) w++;
      if (w > j) break;
      if (uids[w] === row.uid) out.push(row);
    }
    i = j + 1;
  }
  return out;
}

/** Rows for a sorted list of UIDs. */
export function rowsForUids(db: Db, mailboxId: number, uids: ArrayLike<number>): MessageRow[] {
  return forUids(uids, (lo, hi) => rowsInUidRange(db, mailboxId, lo, hi));
}

/** Index columns for a sorted list of UIDs. */
export function indexColumnsForUids(db: Db, mailboxId: number, uids: ArrayLike<number>): IndexColumns[] {
  return forUids(uids, (lo, hi) => indexColumnsInRange(db, mailboxId, lo, hi));
}

/** Existing messages (uid <= maxUid) whose MODSEQ is above `modseq`: flag changes to report. */
export function changedSince(db: Db, mailboxId: number, modseq: number, maxUid: number): MessageRow[] {
  return sql(db, `SELECT ${COLUMNS} FROM messages WHERE mailbox_id = ? AND modseq > ? AND uid <= ? ORDER BY uid`).all(mailboxId, modseq, maxUid) as MessageRow[];
}

/** UIDs above `uid`, ascending: new messages. */
export function uidsAbove(db: Db, mailboxId: number, uid: number): number[] {
  const stmt = sql(db, 'SELECT uid FROM messages WHERE mailbox_id = ? AND uid > ? ORDER BY uid');
  const out = stmt.pluck().all(mailboxId, uid) as number[];
  stmt.pluck(false);
  return out;
}

/** UIDs expunged with a MODSEQ above `modseq` (tombstones), ascending. */
export function expungedSince(db: Db, mailboxId: number, modseq: number): number[] {
  const stmt = sql(db, 'SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid');
  const out = stmt.pluck().all(mailboxId, modseq) as number[];
  stmt.pluck(false);
  return out;
}

export interface MailboxCounts {
  messages: number;
  unseen: number;
  deleted: number;
  size: number;
}

export function mailboxCounts(db: Db, mailboxId: number): MailboxCounts {
  const r = sql(
    db,
    `SELECT count(*) AS n, coalesce(sum(size), 0) AS size, coalesce(sum(flags & ${Flag.Deleted} != 0), 0) AS deleted FROM messages WHERE mailbox_id = ?`,
  ).get(mailboxId) as { n: number; size: number; deleted: number };
  const unseen = sql(db, `SELECT count(*) AS n FROM messages WHERE mailbox_id = ? AND (flags & 1) = 0`).get(mailboxId) as { n: number };
  return { messages: r.n, unseen: unseen.n, deleted: r.deleted, size: r.size };
}

export function firstUnseenUid(db: Db, mailboxId: number): number | null {
  const r = sql(db, 'SELECT min(uid) AS uid FROM messages WHERE mailbox_id = ? AND (flags & 1) = 0').get(mailboxId) as { uid: number | null };
  return r.uid;
}

export function recentCount(db: Db, mailboxId: number, firstRecentUid: number): number {
  const r = sql(db, 'SELECT count(*) AS n FROM messages WHERE mailbox_id = ? AND uid >= ?').get(mailboxId, firstRecentUid) as { n: number };
  return r.n;
}
