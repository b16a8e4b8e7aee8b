// The mailbox index in SQLite: mailboxes of each account and one row per message. UIDs and
// MODSEQs are assigned here, in one transaction per batch; a durable reservation (a block of UIDs
// and MODSEQs recorded with synchronous=FULL) means that after a power cut the counters resume
// above anything that may have been announced, so a UID is never reused.
import { sql, type Db } from '../directory/database.js';
import { folderDir } from './maildir.js';
import { canonicalMailboxName } from './mailbox-names.js';
import { copyMeta, insertMeta, type MessageMetaInput } from './message-meta.js';

export interface Mailbox {
  id: number;
  accountId: number;
  /** IMAP name: INBOX, Sent, Work/Projects. */
  name: string;
  /** Folder directory inside the Maildir ('' for INBOX). */
  dir: string;
  specialUse: string | null;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** Messages from this UID on are \Recent for the next session that selects the mailbox. */
  firstRecentUid: number;
}

interface MailboxRow {
  id: number;
  account_id: number;
  name: string;
  dir: string;
  special_use: string | null;
  subscribed: number;
  uidvalidity: number;
  uidnext: number;
  highestmodseq: number;
  first_recent_uid: number;
}

const toMailbox = (r: MailboxRow): Mailbox => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  dir: r.dir,
  specialUse: r.special_use,
  subscribed: r.subscribed !== 0,
  uidValidity: r.uidvalidity,
  uidNext: r.uidnext,
  highestModseq: r.highestmodseq,
  firstRecentUid: r.first_recent_uid,
});

const MAILBOX_COLUMNS = 'id, account_id, name, dir, special_use, subscribed, uidvalidity, uidnext, highestmodseq, first_recent_uid';

/** The folders every account gets, with their RFC 6154 special-use attribute. */
export const DEFAULT_MAILBOXES: { name: string; specialUse: string | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Archive', specialUse: '\\Archive' },
];

/** How many UIDs / MODSEQs one durable reservation covers. */
const RESERVATION = 1000;

export interface NewMessage {
  mailboxId: number;
  filename: string;
  subdir: 'new' | 'cur';
  size: number;
  internalDate: number;
  flags?: number;
  keywords?: string;
  /** The `:2,` letters of the file name in cur/ (flags + keyword letters); derived from flags when absent. */
  letters?: string | null;
  /** Cached structure and search fields, stored in the same transaction. */
  meta?: MessageMetaInput;
  /** Copy the cached meta row of this message id instead (COPY / MOVE). */
  metaFrom?: number;
}

export interface AssignedMessage {
  mailboxId: number;
  uid: number;
  modseq: number;
  /** Row id in the messages table. */
  id: number;
}

export class MailboxIndex {
  constructor(readonly db: Db) {}

  getMailbox(accountId: number, name: string): Mailbox | undefined {
    const canonical = canonicalMailboxName(name);
    const row = sql(this.db, `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account_id = ? AND name = ?`).get(accountId, canonical) as
      | MailboxRow
      | undefined;
    return row && toMailbox(row);
  }

  mailboxById(id: number): Mailbox | undefined {
    const row = sql(this.db, `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE id = ?`).get(id) as MailboxRow | undefined;
    return row && toMailbox(row);
  }

  listMailboxes(accountId: number): Mailbox[] {
    return (sql(this.db, `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account_id = ? ORDER BY name`).all(accountId) as MailboxRow[]).map(
      toMailbox,
    );
  }

  /** Create a mailbox row with a fresh UIDVALIDITY (unique per account, time based). */
  createMailbox(accountId: number, name: string, specialUse: string | null = null): Mailbox {
    const canonical = canonicalMailboxName(name);
    return this.db.transaction(() => {
      const existing = this.getMailbox(accountId, canonical);
      if (existing) return existing;
      const max = sql(this.db, 'SELECT max(uidvalidity) AS v FROM mailboxes WHERE account_id = ?').get(accountId) as { v: number | null };
      const uidValidity = Math.max(Math.floor(Date.now() / 1000), (max.v ?? 0) + 1);
      const info = sql(
        this.db,
        `INSERT INTO mailboxes (account_id, name, dir, special_use, uidvalidity, uidnext, highestmodseq,
           uid_reserved, modseq_reserved, created_at) VALUES (?, ?, ?, ?, ?, 1, 1, 1, 1, ?)`,
      ).run(accountId, canonical, folderDir(canonical), specialUse, uidValidity, Date.now());
      return this.mailboxById(Number(info.lastInsertRowid))!;
    }).immediate();
  }

  /**
   * Insert index rows for new messages, assigning each the next UID and a new MODSEQ of its
   * mailbox, all in one transaction. Returns the assignments in input order.
   */
  addMessages(messages: NewMessage[]): AssignedMessage[] {
    if (messages.length === 0) return [];
    const durable = messages.some((m) => this.nearReservation(m.mailboxId, messages.length));
    if (durable) this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(() => {
        const out: AssignedMessage[] = [];
        const counters = sql(this.db, 'SELECT uidnext, highestmodseq, uid_reserved, modseq_reserved FROM mailboxes WHERE id = ?');
        const update = sql(
          this.db,
          'UPDATE mailboxes SET uidnext = ?, highestmodseq = ?, uid_reserved = ?, modseq_reserved = ? WHERE id = ?',
        );
        const insert = sql(
          this.db,
          `INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, internaldate, size, filename, subdir, letters)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const m of messages) {
          const c = counters.get(m.mailboxId) as
            | { uidnext: number; highestmodseq: number; uid_reserved: number; modseq_reserved: number }
            | undefined;
          if (!c) throw new Error(`mailbox ${m.mailboxId} does not exist`);
          const uid = c.uidnext;
          const modseq = c.highestmodseq + 1;
          const uidReserved = uid + 1 > c.uid_reserved ? uid + 1 + RESERVATION : c.uid_reserved;
          const modseqReserved = modseq > c.modseq_reserved ? modseq + RESERVATION : c.modseq_reserved;
          update.run(uid + 1, modseq, uidReserved, modseqReserved, m.mailboxId);
          const info = insert.run(m.mailboxId, uid, modseq, m.flags ?? 0, m.keywords ?? '', m.internalDate, m.size, m.filename, m.subdir, m.letters ?? null);
          const id = Number(info.lastInsertRowid);
          if (m.meta) insertMeta(this.db, id, m.meta);
          else if (m.metaFrom !== undefined) copyMeta(this.db, m.metaFrom, id);
          out.push({ mailboxId: m.mailboxId, uid, modseq, id });
        }
        return out;
      }).immediate();
    } finally {
      if (durable) this.db.pragma('synchronous = NORMAL');
    }
  }

  private nearReservation(mailboxId: number, count: number): boolean {
    const c = sql(this.db, 'SELECT uidnext, highestmodseq, uid_reserved, modseq_reserved FROM mailboxes WHERE id = ?').get(mailboxId) as
      | { uidnext: number; highestmodseq: number; uid_reserved: number; modseq_reserved: number }
      | undefined;
    if (!c) return false;
    return c.uidnext + count >= c.uid_reserved || c.highestmodseq + count >= c.modseq_reserved;
  }

  /**
   * Make sure the durable reservation covers `uids` more UIDs and `modseqs` more MODSEQs of a
   * mailbox; when it must move, the move is committed with synchronous=FULL. Call before a
   * transaction that uses takeModseqs / takeUids.
   */
  reserve(mailboxId: number, uids: number, modseqs: number): void {
    const c = sql(this.db, 'SELECT uidnext, highestmodseq, uid_reserved, modseq_reserved FROM mailboxes WHERE id = ?').get(mailboxId) as
      | { uidnext: number; highestmodseq: number; uid_reserved: number; modseq_reserved: number }
      | undefined;
    if (!c) return;
    const needUid = c.uidnext + uids >= c.uid_reserved;
    const needModseq = c.highestmodseq + modseqs >= c.modseq_reserved;
    if (!needUid && !needModseq) return;
    this.db.pragma('synchronous = FULL');
    try {
      sql(this.db, 'UPDATE mailboxes SET uid_reserved = max(uid_reserved, ?), modseq_reserved = max(modseq_reserved, ?) WHERE id = ?').run(
        c.uidnext + uids + RESERVATION,
        c.highestmodseq + modseqs + RESERVATION,
        mailboxId,
      );
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** Inside a transaction (after reserve): take `count` new MODSEQs; returns the first. */
  takeModseqs(mailboxId: number, count: number): number {
    const r = sql(this.db, 'UPDATE mailboxes SET highestmodseq = highestmodseq + ? WHERE id = ? RETURNING highestmodseq').get(count, mailboxId) as {
      highestmodseq: number;
    };
    return r.highestmodseq - count + 1;
  }

  /** Number of messages and their total size in an account, for quota checks. */
  accountUsage(accountId: number): { messages: number; bytes: number } {
    const row = sql(
      this.db,
      'SELECT count(*) AS n, coalesce(sum(m.size), 0) AS b FROM messages m JOIN mailboxes x ON x.id = m.mailbox_id WHERE x.account_id = ?',
    ).get(accountId) as { n: number; b: number };
    return { messages: row.n, bytes: row.b };
  }

  /**
   * Called when the server starts. If the last run did not end cleanly, move every mailbox's
   * counters up to their durable reservation: commits after the last fsync may have been lost,
   * and UIDs in that range may already have been shown to clients.
   */
  beginRun(): { wasClean: boolean } {
    const state = sql(this.db, "SELECT value FROM store_state WHERE key = 'clean_shutdown'").get() as { value: string } | undefined;
    const wasClean = state === undefined || state.value === '1';
    this.db.pragma('synchronous = FULL');
    try {
      this.db.transaction(() => {
        if (!wasClean) {
          this.db.exec(`UPDATE mailboxes SET
            uidnext = max(uidnext, uid_reserved), highestmodseq = max(highestmodseq, modseq_reserved),
            uid_reserved = max(uidnext, uid_reserved) + ${RESERVATION}, modseq_reserved = max(highestmodseq, modseq_reserved) + ${RESERVATION}`);
        }
        sql(this.db, "INSERT OR REPLACE INTO store_state (key, value) VALUES ('clean_shutdown', '0')").run();
      })();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
    return { wasClean };
  }

  /** Called after a clean stop: the counters on disk are exact. */
  endRun(): void {
    this.db.pragma('synchronous = FULL');
    try {
      sql(this.db, "INSERT OR REPLACE INTO store_state (key, value) VALUES ('clean_shutdown', '1')").run();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }
}
