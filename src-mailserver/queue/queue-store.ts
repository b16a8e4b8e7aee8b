// The queue's rows in SQLite: messages (envelope, file layout, lifetime, hold) and recipients
// (status, attempts, next attempt, last reply). Every change is one small transaction; the
// scheduler, the operations API and the CLI all go through this class.
import { sql, type Db } from '../directory/database.js';

export type RecipientStatus = 'queued' | 'sent' | 'failed';
export type QueueOrigin = 'submission' | 'forward' | 'local-retry' | 'dsn';

export interface QueuedMessage {
  id: string;
  /** Envelope sender; '' is the null sender (<>). */
  sender: string;
  size: number;
  /** Leading bytes of the file (our Return-Path) that are not sent to another server. */
  skipBytes: number;
  /** Header fields sent before the file to other servers (DKIM-Signature). */
  prefix: string;
  messageId: string | null;
  subject: string | null;
  origin: QueueOrigin;
  accountId: number | null;
  body8bit: boolean;
  smtputf8: boolean;
  dsnRet: 'FULL' | 'HDRS' | null;
  dsnEnvid: string | null;
  createdAt: number;
  expiresAt: number;
  /** When the delay notice is due; null once sent (or when there is none). */
  delayNoticeAt: number | null;
  held: boolean;
}

export interface QueuedRecipient {
  id: number;
  messageId: string;
  address: string;
  /** Destination domain (ASCII, lower case). */
  domain: string;
  /** Set for local recipients: delivered into this account's Maildir. */
  accountId: number | null;
  status: RecipientStatus;
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastReply: string | null;
  /** Enhanced status code (RFC 3463) of the last result. */
  statusCode: string | null;
  remoteMta: string | null;
  doneAt: number | null;
  /** DSN NOTIFY (RFC 3461): null = default (failures and delays), else e.g. "NEVER" or "SUCCESS,FAILURE". */
  notify: string | null;
  orcpt: string | null;
  /** The failure has been reported to the sender (or needs no report). */
  reported: boolean;
}

export interface NewRecipient {
  address: string;
  domain: string;
  accountId?: number | null;
  notify?: string | null;
  orcpt?: string | null;
}

export type NewMessage = Omit<QueuedMessage, 'held'> & { held?: boolean };

/** The outcome of one attempt for one recipient. */
export type AttemptResult =
  | { recipientId: number; kind: 'sent'; reply: string; statusCode: string; remoteMta: string | null }
  | { recipientId: number; kind: 'deferred'; reply: string; statusCode: string; remoteMta: string | null; nextAttemptAt: number }
  | { recipientId: number; kind: 'failed'; reply: string; statusCode: string; remoteMta: string | null };

interface MessageRow {
  id: string;
  sender: string;
  size: number;
  skip_bytes: number;
  prefix: string;
  message_id: string | null;
  subject: string | null;
  origin: QueueOrigin;
  account_id: number | null;
  body_8bit: number;
  smtputf8: number;
  dsn_ret: 'FULL' | 'HDRS' | null;
  dsn_envid: string | null;
  created_at: number;
  expires_at: number;
  delay_notice_at: number | null;
  held: number;
}

interface RecipientRow {
  id: number;
  message_id: string;
  address: string;
  domain: string;
  account_id: number | null;
  status: RecipientStatus;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_reply: string | null;
  status_code: string | null;
  remote_mta: string | null;
  done_at: number | null;
  notify: string | null;
  orcpt: string | null;
  reported: number;
}

const toMessage = (r: MessageRow): QueuedMessage => ({
  id: r.id,
  sender: r.sender,
  size: r.size,
  skipBytes: r.skip_bytes,
  prefix: r.prefix,
  messageId: r.message_id,
  subject: r.subject,
  origin: r.origin,
  accountId: r.account_id,
  body8bit: r.body_8bit !== 0,
  smtputf8: r.smtputf8 !== 0,
  dsnRet: r.dsn_ret,
  dsnEnvid: r.dsn_envid,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  delayNoticeAt: r.delay_notice_at,
  held: r.held !== 0,
});

const toRecipient = (r: RecipientRow): QueuedRecipient => ({
  id: r.id,
  messageId: r.message_id,
  address: r.address,
  domain: r.domain,
  accountId: r.account_id,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastReply: r.last_reply,
  statusCode: r.status_code,
  remoteMta: r.remote_mta,
  doneAt: r.done_at,
  notify: r.notify,
  orcpt: r.orcpt,
  reported: r.reported !== 0,
});

const MESSAGE_COLUMNS = `id, sender, size, skip_bytes, prefix, message_id, subject, origin, account_id, body_8bit, smtputf8,
  dsn_ret, dsn_envid, created_at, expires_at, delay_notice_at, held`;

export class QueueStore {
  constructor(readonly db: Db) {}

  insert(message: NewMessage, recipients: NewRecipient[]): void {
    this.db.transaction(() => {
      sql(this.db, `INSERT INTO queue_messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        message.id,
        message.sender,
        message.size,
        message.skipBytes,
        message.prefix,
        message.messageId,
        message.subject,
        message.origin,
        message.accountId,
        message.body8bit ? 1 : 0,
        message.smtputf8 ? 1 : 0,
        message.dsnRet,
        message.dsnEnvid,
        message.createdAt,
        message.expiresAt,
        message.delayNoticeAt,
        message.held ? 1 : 0,
      );
      const add = sql(
        this.db,
        `INSERT INTO queue_recipients (message_id, address, domain, account_id, status, next_attempt_at, notify, orcpt)
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`,
      );
      for (const r of recipients) add.run(message.id, r.address, r.domain, r.accountId ?? null, message.createdAt, r.notify ?? null, r.orcpt ?? null);
    })();
  }

  has(id: string): boolean {
    return sql(this.db, 'SELECT 1 FROM queue_messages WHERE id = ?').get(id) !== undefined;
  }

  getMessage(id: string): QueuedMessage | undefined {
    const row = sql(this.db, `SELECT ${MESSAGE_COLUMNS} FROM queue_messages WHERE id = ?`).get(id) as MessageRow | undefined;
    return row && toMessage(row);
  }

  listMessages(): QueuedMessage[] {
    return (sql(this.db, `SELECT ${MESSAGE_COLUMNS} FROM queue_messages ORDER BY created_at, id`).all() as MessageRow[]).map(toMessage);
  }

  messageIds(): string[] {
    return (sql(this.db, 'SELECT id FROM queue_messages').all() as { id: string }[]).map((r) => r.id);
  }

  recipientsOf(messageId: string): QueuedRecipient[] {
    return (sql(this.db, 'SELECT * FROM queue_recipients WHERE message_id = ? ORDER BY id').all(messageId) as RecipientRow[]).map(toRecipient);
  }

  allRecipients(): QueuedRecipient[] {
    return (sql(this.db, 'SELECT * FROM queue_recipients ORDER BY message_id, id').all() as RecipientRow[]).map(toRecipient);
  }

  recipient(id: number): QueuedRecipient | undefined {
    const row = sql(this.db, 'SELECT * FROM queue_recipients WHERE id = ?').get(id) as RecipientRow | undefined;
    return row && toRecipient(row);
  }

  /** Queued recipients whose time has come, on messages not on hold, oldest first. */
  dueRecipients(now: number, limit: number): QueuedRecipient[] {
    return (
      sql(
        this.db,
        `SELECT r.* FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
         WHERE r.status = 'queued' AND r.next_attempt_at <= ? AND m.held = 0
         ORDER BY r.next_attempt_at, r.id LIMIT ?`,
      ).all(now, limit) as RecipientRow[]
    ).map(toRecipient);
  }

  /** When the next queued recipient on a message not on hold falls due; null when none. */
  nextDueAt(): number | null {
    const row = sql(
      this.db,
      `SELECT min(r.next_attempt_at) AS t FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
       WHERE r.status = 'queued' AND m.held = 0`,
    ).get() as { t: number | null };
    return row.t;
  }

  /** When the next delay notice falls due; null when none. */
  nextDelayNoticeAt(): number | null {
    const row = sql(this.db, 'SELECT min(delay_notice_at) AS t FROM queue_messages WHERE delay_notice_at IS NOT NULL AND held = 0').get() as {
      t: number | null;
    };
    return row.t;
  }

  /** Messages whose delay notice is due and that still have queued recipients. */
  delayNoticesDue(now: number): QueuedMessage[] {
    return (
      sql(
        this.db,
        `SELECT ${MESSAGE_COLUMNS} FROM queue_messages m WHERE delay_notice_at IS NOT NULL AND delay_notice_at <= ? AND held = 0
         AND EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.status = 'queued')`,
      ).all(now) as MessageRow[]
    ).map(toMessage);
  }

  clearDelayNotice(messageId: string): void {
    sql(this.db, 'UPDATE queue_messages SET delay_notice_at = NULL WHERE id = ?').run(messageId);
  }

  /** Record the outcomes of one attempt, all in one transaction. Rows deleted meanwhile are skipped. */
  recordResults(results: AttemptResult[], now: number): void {
    const sent = sql(
      this.db,
      `UPDATE queue_recipients SET status = 'sent', attempts = attempts + 1, last_attempt_at = ?, last_reply = ?, status_code = ?,
       remote_mta = ?, done_at = ?, reported = 1 WHERE id = ? AND status = 'queued'`,
    );
    const deferred = sql(
      this.db,
      `UPDATE queue_recipients SET attempts = attempts + 1, last_attempt_at = ?, last_reply = ?, status_code = ?, remote_mta = ?,
       next_attempt_at = ? WHERE id = ? AND status = 'queued'`,
    );
    const failed = sql(
      this.db,
      `UPDATE queue_recipients SET status = 'failed', attempts = attempts + 1, last_attempt_at = ?, last_reply = ?, status_code = ?,
       remote_mta = ?, done_at = ? WHERE id = ? AND status = 'queued'`,
    );
    this.db.transaction(() => {
      for (const r of results) {
        if (r.kind === 'sent') sent.run(now, r.reply, r.statusCode, r.remoteMta, now, r.recipientId);
        else if (r.kind === 'deferred') deferred.run(now, r.reply, r.statusCode, r.remoteMta, r.nextAttemptAt, r.recipientId);
        else failed.run(now, r.reply, r.statusCode, r.remoteMta, now, r.recipientId);
      }
    })();
  }

  /** Fail every queued recipient of a message without an attempt (bounce now, expiry of a held message). */
  failQueued(messageId: string, reply: string, statusCode: string, now: number): number {
    return sql(
      this.db,
      `UPDATE queue_recipients SET status = 'failed', last_reply = ?, status_code = ?, done_at = ? WHERE message_id = ? AND status = 'queued'`,
    ).run(reply, statusCode, now, messageId).changes;
  }

  /** Messages not on hold that have an unreported failure or nothing left to deliver. */
  messagesToSettle(): string[] {
    return (
      sql(
        this.db,
        `SELECT m.id FROM queue_messages m WHERE m.held = 0 AND (
           EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.status = 'failed' AND r.reported = 0)
           OR NOT EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.status = 'queued'))`,
      ).all() as { id: string }[]
    ).map((r) => r.id);
  }

  markReported(recipientIds: number[]): void {
    const mark = sql(this.db, 'UPDATE queue_recipients SET reported = 1 WHERE id = ?');
    this.db.transaction(() => {
      for (const id of recipientIds) mark.run(id);
    })();
  }

  setHeld(messageId: string, held: boolean): boolean {
    return sql(this.db, 'UPDATE queue_messages SET held = ? WHERE id = ?').run(held ? 1 : 0, messageId).changes > 0;
  }

  /** Make every queued recipient of a message due now. */
  retryNow(messageId: string, now: number): number {
    return sql(this.db, `UPDATE queue_recipients SET next_attempt_at = ? WHERE message_id = ? AND status = 'queued'`).run(now, messageId).changes;
  }

  deleteMessage(messageId: string): boolean {
    return sql(this.db, 'DELETE FROM queue_messages WHERE id = ?').run(messageId).changes > 0;
  }
}
