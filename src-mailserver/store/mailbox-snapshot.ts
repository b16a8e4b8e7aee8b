// In-memory snapshots of the index columns that mailbox access reads in bulk: UIDs, system
// flags, keywords and MODSEQs, in typed arrays (14 bytes a message, no object per message), one
// per mailbox, shared by every session. Brought up to date on each use from what changed since
// the snapshot's MODSEQ (tombstones and rows above it, both indexed), so selecting a 100,000
// message mailbox, or fetching all its flags, costs no table scan once the snapshot exists.
// A snapshot's UID array is never changed in place below its length (sessions share prefixes of
// it); flags, keywords and MODSEQs are.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../directory/database.js';

export class MailboxSnapshot {
  uids: Uint32Array;
  flags: Uint8Array;
  modseqs: Float64Array;
  /** Keywords (space-separated, as in the index) of the messages that have any, by UID. */
  keywords = new Map<number, string>();
  length = 0;

  constructor(
    readonly mailboxId: number,
    readonly uidValidity: number,
    /** Every change up to this MODSEQ is in the snapshot. */
    public modseq: number,
    capacity: number,
  ) {
    this.uids = new Uint32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.modseqs = new Float64Array(capacity);
  }

  /** The UIDs, as a view a session may keep (it must copy before changing it). */
  uidList(): Uint32Array {
    return this.uids.subarray(0, this.length);
  }

  /** Index of `uid`, or -1. */
  indexOf(uid: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  keywordsOf(uid: number): string {
    return this.keywords.get(uid) ?? '';
  }

  get bytes(): number {
    return this.uids.length * 13 + this.keywords.size * 64;
  }

  /** Append (a UID above every other) or update one message; false for a UID it cannot place. */
  put(uid: number, flags: number, keywords: string, modseq: number): boolean {
    let i = this.length > 0 && uid <= this.uids[this.length - 1]! ? this.indexOf(uid) : -1;
    if (i < 0) {
      if (this.length > 0 && uid < this.uids[this.length - 1]!) return false;
      if (this.length === this.uids.length) this.grow(Math.max(16, this.length * 2));
      i = this.length++;
      this.uids[i] = uid;
    }
    this.flags[i] = flags;
    this.modseqs[i] = modseq;
    if (keywords) this.keywords.set(uid, keywords);
    else this.keywords.delete(uid);
    return true;
  }

  /** Drop these UIDs, into new arrays (sessions may hold the old UID array). */
  remove(gone: Set<number>): void {
    const uids = new Uint32Array(Math.max(16, this.length));
    const flags = new Uint8Array(uids.length);
    const modseqs = new Float64Array(uids.length);
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      const uid = this.uids[r]!;
      if (gone.has(uid)) {
        this.keywords.delete(uid);
        continue;
      }
      uids[w] = uid;
      flags[w] = this.flags[r]!;
      modseqs[w] = this.modseqs[r]!;
      w++;
    }
    this.uids = uids;
    this.flags = flags;
    this.modseqs = modseqs;
    this.length = w;
  }

  private grow(capacity: number): void {
    const uids = new Uint32Array(capacity);
    uids.set(this.uids.subarray(0, this.length));
    const flags = new Uint8Array(capacity);
    flags.set(this.flags.subarray(0, this.length));
    const modseqs = new Float64Array(capacity);
    modseqs.set(this.modseqs.subarray(0, this.length));
    this.uids = uids;
    this.flags = flags;
    this.modseqs = modseqs;
  }
}

interface MailboxState {
  highestmodseq: number;
  uidvalidity: number;
}

type Row = [uid: number, flags: number, keywords: string, modseq: number];

/** The snapshots of recently used mailboxes, least recently used dropped past `maxBytes`. */
export class MailboxSnapshots {
  private readonly cache = new Map<number, MailboxSnapshot>();
  // Own statements: raw()/pluck() change a statement's mode, so they are not shared through sql().
  private readonly stmts: {
    state: Statement;
    count: Statement;
    all: Statement;
    changed: Statement;
    expunged: Statement;
  };

  constructor(
    private readonly db: Db,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {
    this.stmts = {
      state: db.prepare('SELECT highestmodseq, uidvalidity FROM mailboxes WHERE id = ?'),
      count: db.prepare('SELECT count(*) FROM messages WHERE mailbox_id = ?').pluck(),
      all: db.prepare('SELECT uid, flags, keywords, modseq FROM messages WHERE mailbox_id = ? ORDER BY uid').raw(),
      changed: db.prepare('SELECT uid, flags, keywords, modseq FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid').raw(),
      expunged: db.prepare('SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ?').pluck(),
    };
  }

  /** The mailbox's snapshot as of now (null when the mailbox does not exist). */
  get(mailboxId: number): MailboxSnapshot | null {
    // Up to date (the common case): one indexed read, no transaction.
    const cached = this.cache.get(mailboxId);
    if (cached) {
      const state = this.stmts.state.get(mailboxId) as MailboxState | undefined;
      if (state && state.highestmodseq === cached.modseq && state.uidvalidity === cached.uidValidity) {
        this.cache.delete(mailboxId);
        this.cache.set(mailboxId, cached);
        return cached;
      }
    }
    return this.db.transaction(() => {
      const state = this.stmts.state.get(mailboxId) as MailboxState | undefined;
      let snap = this.cache.get(mailboxId) ?? null;
      if (!state) {
        this.cache.delete(mailboxId);
        return null;
      }
      if (snap && (snap.uidValidity !== state.uidvalidity || snap.modseq > state.highestmodseq)) snap = null;
      if (snap && snap.modseq < state.highestmodseq && !this.catchUp(snap, state.highestmodseq)) snap = null;
      if (!snap) snap = this.build(mailboxId, state);
      this.cache.delete(mailboxId);
      this.cache.set(mailboxId, snap);
      this.evict();
      return snap;
    })();
  }

  private build(mailboxId: number, state: MailboxState): MailboxSnapshot {
    const count = this.stmts.count.get(mailboxId) as number;
    const snap = new MailboxSnapshot(mailboxId, state.uidvalidity, state.highestmodseq, count + 16);
    for (const [uid, flags, keywords, modseq] of this.stmts.all.iterate(mailboxId) as IterableIterator<Row>) snap.put(uid, flags, keywords, modseq);
    return snap;
  }

  /** Apply what changed since the snapshot's MODSEQ; false when it cannot (then it is rebuilt). */
  private catchUp(snap: MailboxSnapshot, highestModseq: number): boolean {
    const expunged = this.stmts.expunged.all(snap.mailboxId, snap.modseq) as number[];
    if (expunged.length > 0) snap.remove(new Set(expunged));
    for (const [uid, flags, keywords, modseq] of this.stmts.changed.all(snap.mailboxId, snap.modseq) as Row[]) {
      if (!snap.put(uid, flags, keywords, modseq)) return false;
    }
    snap.modseq = highestModseq;
    return true;
  }

  private evict(): void {
    let total = 0;
    for (const s of this.cache.values()) total += s.bytes;
    for (const [id, s] of this.cache) {
      if (total <= this.maxBytes || this.cache.size <= 1) break;
      this.cache.delete(id);
      total -= s.bytes;
    }
  }
}
