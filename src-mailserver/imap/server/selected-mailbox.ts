// A session's view of its selected mailbox (RFC 9051 §5.2, §7.4.1; RFC 7162 §3.2 QRESYNC):
// the UID ↔ sequence-number map as a typed array (4 bytes per message, no object per message),
// which messages are \Recent for this session, and what the client has been told. sync() reads
// what changed since then from the index by MODSEQ and returns the untagged responses; expunges
// are held back while the client may be using sequence numbers (FETCH, STORE, SEARCH).
import { sql, type Db } from '../../directory/database.js';
import type { Mailbox } from '../../store/mailbox-index.js';
import { changedSince, expungedSince, mailboxUids, uidsAbove, type MessageRow } from '../../store/message-rows.js';
import type { SequenceSet } from '../protocol/reader.js';
import { sequenceSetText } from '../protocol/compose.js';
import { flagsText } from './flags.js';

export interface SyncOptions {
  /** EXPUNGE / VANISHED may be sent now. */
  expunges: boolean;
  /** QRESYNC enabled: VANISHED instead of EXPUNGE. */
  qresync: boolean;
  /** CONDSTORE enabled: MODSEQ in unsolicited FETCH. */
  condstore: boolean;
  /** IMAP4rev1 client: RECENT responses. */
  rev1: boolean;
}

export class SelectedMailbox {
  private uids: Uint32Array;
  private length: number;
  /** `uids` is shared with the store's snapshot (or other sessions): copy before changing it. */
  private shared: boolean;
  /** Flag changes and new messages up to this MODSEQ have been reported. */
  private seenModseq: number;
  /** Expunges up to this MODSEQ have been reported. */
  private expungeModseq: number;
  /** UID ranges [lo, hi] that are \Recent in this session. */
  private recent: [number, number][] = [];
  /** MODSEQs of changes this session made and reported itself. */
  readonly ownModseqs = new Set<number>();
  /** SEARCHRES `$`: UIDs saved by SEARCH RETURN (SAVE). */
  saved: number[] = [];

  constructor(
    private readonly db: Db,
    public mailbox: Mailbox,
    readonly readOnly: boolean,
    /** The mailbox's UIDs as of a MODSEQ, from the store's snapshot (shared, copied on change); read here when absent. */
    snapshot?: { uids: Uint32Array; modseq: number },
  ) {
    this.uids = snapshot?.uids ?? mailboxUids(db, mailbox.id);
    this.shared = snapshot !== undefined;
    this.length = this.uids.length;
    const state = this.state();
    const asOf = snapshot ? Math.min(snapshot.modseq, state.highestmodseq) : state.highestmodseq;
    this.seenModseq = asOf;
    this.expungeModseq = asOf;
    this.claimRecent(0);
  }

  private state(): { highestmodseq: number; uidnext: number } {
    return sql(this.db, 'SELECT highestmodseq, uidnext FROM mailboxes WHERE id = ?').get(this.mailbox.id) as { highestmodseq: number; uidnext: number };
  }

  get exists(): number {
    return this.length;
  }

  get highestModseq(): number {
    return Math.min(this.seenModseq, this.expungeModseq);
  }

  get lastUid(): number {
    return this.length ? this.uids[this.length - 1]! : 0;
  }

  uidAt(seq: number): number {
    return this.uids[seq - 1]!;
  }

  /** Sequence number of a UID, or 0 when the session does not know it. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Index of the first UID >= uid. */
  private lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.uids[mid]! < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  isRecent(uid: number): boolean {
    return this.recent.some(([lo, hi]) => uid >= lo && uid <= hi);
  }

  get recentCount(): number {
    let n = 0;
    for (const [lo, hi] of this.recent) n += this.lowerBound(hi + 1) - this.lowerBound(lo);
    return n;
  }

  /** Take \Recent for messages from first_recent_uid on (read-write sessions only, RFC 3501 §2.3.2). */
  private claimRecent(fromUid: number): void {
    const row = sql(this.db, 'SELECT first_recent_uid AS f, uidnext AS n FROM mailboxes WHERE id = ?').get(this.mailbox.id) as { f: number; n: number };
    const lo = Math.max(row.f, fromUid);
    if (lo >= row.n) return;
    if (!this.readOnly) {
      sql(this.db, 'UPDATE mailboxes SET first_recent_uid = ? WHERE id = ? AND first_recent_uid < ?').run(row.n, this.mailbox.id, row.n);
      this.recent.push([lo, row.n - 1]);
    } else if (fromUid === 0) {
      this.recent.push([lo, row.n - 1]); // EXAMINE shows them without taking them
    }
  }

  /** Resolve a sequence set (or UID set) to ascending sequence numbers; null for a bad `*` / out-of-range use. */
  resolve(set: SequenceSet, uid: boolean): number[] | null {
    if (set.kind === 'saved') {
      return this.saved.map((u) => this.seqOf(u)).filter((s) => s > 0).sort((a, b) => a - b);
    }
    if (set.ranges.length === 1) return this.resolveRange(set.ranges[0]!, uid);
    const out = new Set<number>();
    if (uid) {
      const max = this.lastUid;
      for (const [a0, b0] of set.ranges) {
        const a = a0 === 0 ? max : a0;
        const b = b0 === 0 ? max : b0;
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        for (let i = this.lowerBound(lo); i < this.length && this.uids[i]! <= hi; i++) out.add(i + 1);
      }
    } else {
      for (const [a0, b0] of set.ranges) {
        if (this.length === 0) return null;
        const a = a0 === 0 ? this.length : a0;
        const b = b0 === 0 ? this.length : b0;
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        if (hi > this.length) return null;
        for (let s = lo; s <= hi; s++) out.add(s);
      }
    }
    const seqs = [...out];
    return seqs.length > 1 && set.ranges.length > 1 ? seqs.sort((x, y) => x - y) : seqs;
  }

  /** One range (`1:*`, the common case): ascending and unique without a set. */
  private resolveRange([a0, b0]: [number, number], uid: boolean): number[] | null {
    const out: number[] = [];
    if (uid) {
      const max = this.lastUid;
      const a = a0 === 0 ? max : a0;
      const b = b0 === 0 ? max : b0;
      const hi = Math.max(a, b);
      for (let i = this.lowerBound(Math.min(a, b)); i < this.length && this.uids[i]! <= hi; i++) out.push(i + 1);
      return out;
    }
    if (this.length === 0) return null;
    const a = a0 === 0 ? this.length : a0;
    const b = b0 === 0 ? this.length : b0;
    const hi = Math.max(a, b);
    if (hi > this.length) return null;
    for (let s = Math.min(a, b); s <= hi; s++) out.push(s);
    return out;
  }

  uidsOf(seqs: number[]): number[] {
    return seqs.map((s) => this.uids[s - 1]!);
  }

  /** Forget expunged UIDs and say so: EXPUNGE per message (descending order keeps numbers valid) or one VANISHED. */
  removeUids(removed: number[], qresync: boolean): string[] {
    const gone = new Set(removed);
    const seqs: number[] = [];
    if (this.shared) {
      this.uids = this.uids.slice(0, this.length);
      this.shared = false;
    }
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      const u = this.uids[r]!;
      if (gone.has(u)) seqs.push(r + 1);
      else this.uids[w++] = u;
    }
    this.length = w;
    if (seqs.length === 0) return [];
    if (qresync) return [`* VANISHED ${sequenceSetText(removed.filter((u) => gone.has(u)).sort((a, b) => a - b))}`];
    return seqs.reverse().map((s) => `* ${s} EXPUNGE`);
  }

  private appendUids(uids: number[]): void {
    if (this.shared || this.length + uids.length > this.uids.length) {
      const bigger = new Uint32Array(Math.max(16, (this.length + uids.length) * 2));
      bigger.set(this.uids.subarray(0, this.length));
      this.uids = bigger;
      this.shared = false;
    }
    for (const u of uids) this.uids[this.length++] = u;
  }

  /** Unsolicited FETCH line for a changed message. */
  flagsLine(seq: number, row: MessageRow, condstore: boolean, rev1: boolean): string {
    return `* ${seq} FETCH (UID ${row.uid} FLAGS ${flagsText(row.flags, row.keywords, rev1 && this.isRecent(row.uid))}${condstore ? ` MODSEQ (${row.modseq})` : ''})`;
  }

  /** What changed since the last sync, as untagged responses. */
  sync(options: SyncOptions): string[] {
    const out: string[] = [];
    const state = this.state();
    if (options.expunges && state.highestmodseq > this.expungeModseq) {
      const expunged = expungedSince(this.db, this.mailbox.id, this.expungeModseq).filter((u) => this.seqOf(u) > 0);
      out.push(...this.removeUids(expunged, options.qresync));
      this.expungeModseq = state.highestmodseq;
    }
    if (state.highestmodseq > this.seenModseq) {
      const known = this.lastUid;
      for (const row of changedSince(this.db, this.mailbox.id, this.seenModseq, known)) {
        if (this.ownModseqs.has(row.modseq)) continue;
        const seq = this.seqOf(row.uid);
        if (seq > 0) out.push(this.flagsLine(seq, row, options.condstore, options.rev1));
      }
      const fresh = uidsAbove(this.db, this.mailbox.id, known);
      if (fresh.length > 0) {
        this.appendUids(fresh);
        this.claimRecent(fresh[0]!);
        out.push(`* ${this.length} EXISTS`);
        if (options.rev1) out.push(`* ${this.recentCount} RECENT`);
      }
      this.seenModseq = state.highestmodseq;
    }
    this.ownModseqs.clear();
    return out;
  }
}
