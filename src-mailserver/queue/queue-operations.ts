// Queue operations for people: list (per-recipient status, attempts, next attempt, last reply),
// show, retry now, hold, release, delete, bounce now, and change events for live views. The CLI
// uses this class on the database directly (a running server notices within a second); the
// admin API uses the server's instance, whose hooks act at once.
import { UserError } from '../common/errors.js';
import { readHeaderInfo } from './queue-intake.js';
import type { QueueFiles } from './queue-files.js';
import type { QueueChange } from './scheduler.js';
import type { QueueOrigin, QueueStore, RecipientStatus } from './queue-store.js';

export interface QueueRecipientView {
  address: string;
  status: RecipientStatus;
  attempts: number;
  /** When the next attempt is due (queued recipients only). */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastReply: string | null;
  statusCode: string | null;
  remoteMta: string | null;
  local: boolean;
}

export interface QueueEntryView {
  id: string;
  sender: string;
  createdAt: number;
  expiresAt: number;
  size: number;
  messageId: string | null;
  subject: string | null;
  origin: QueueOrigin;
  held: boolean;
  recipients: QueueRecipientView[];
}

export interface QueueEntryDetail extends QueueEntryView {
  /** The message's header section as queued (without our Return-Path). */
  header: string;
  dkimSigned: boolean;
}

export interface QueueHooks {
  /** Look for due work now. */
  wake(): void;
  /** Report failures and remove the message if it is finished. */
  settle(id: string): Promise<void>;
  emit(change: QueueChange): void;
}

export class QueueOperations {
  constructor(
    private readonly store: QueueStore,
    private readonly files: QueueFiles,
    private readonly hooks: QueueHooks | null,
    private readonly now: () => number = Date.now,
  ) {}

  list(): QueueEntryView[] {
    const byMessage = new Map<string, QueueRecipientView[]>();
    for (const r of this.store.allRecipients()) {
      let list = byMessage.get(r.messageId);
      if (!list) byMessage.set(r.messageId, (list = []));
      list.push({
        address: r.address,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.status === 'queued' ? r.nextAttemptAt : null,
        lastAttemptAt: r.lastAttemptAt,
        lastReply: r.lastReply,
        statusCode: r.statusCode,
        remoteMta: r.remoteMta,
        local: r.accountId !== null,
      });
    }
    return this.store.listMessages().map((m) => ({
      id: m.id,
      sender: m.sender,
      createdAt: m.createdAt,
      expiresAt: m.expiresAt,
      size: m.size,
      messageId: m.messageId,
      subject: m.subject,
      origin: m.origin,
      held: m.held,
      recipients: byMessage.get(m.id) ?? [],
    }));
  }

  async show(id: string): Promise<QueueEntryDetail> {
    const entry = this.list().find((e) => e.id === id);
    if (!entry) throw notFound(id);
    const message = this.store.getMessage(id)!;
    let header = '';
    try {
      header = (await readHeaderInfo(this.files.messagePath(id))).header.replace(/^Return-Path:[^\r\n]*\r?\n/i, '');
    } catch {
      header = '';
    }
    return { ...entry, header, dkimSigned: /DKIM-Signature:/i.test(message.prefix) };
  }

  /** Make every waiting recipient of a message (or of every message) due now. */
  retryNow(id: string): void {
    this.mustExist(id);
    this.store.retryNow(id, this.now());
    this.changed(id);
  }

  retryAll(): number {
    let n = 0;
    for (const id of this.store.messageIds()) n += this.store.retryNow(id, this.now());
    this.hooks?.emit({ type: 'external' });
    this.hooks?.wake();
    return n;
  }

  hold(id: string): void {
    this.mustExist(id);
    this.store.setHeld(id, true);
    this.changed(id);
  }

  /** Release a held message; its waiting recipients are tried at once. */
  release(id: string): void {
    this.mustExist(id);
    this.store.setHeld(id, false);
    this.store.retryNow(id, this.now());
    this.changed(id);
  }

  /** Remove a message without telling its sender. */
  async delete(id: string): Promise<void> {
    this.mustExist(id);
    await this.files.removeEnvelope(id);
    this.store.deleteMessage(id);
    await this.files.removeMessage(id);
    this.hooks?.emit({ type: 'removed', id });
  }

  /** Give up on every waiting recipient now and report them to the sender. */
  async bounceNow(id: string, reason = 'Delivery cancelled by the administrator'): Promise<number> {
    this.mustExist(id);
    const n = this.store.failQueued(id, reason, '5.0.0', this.now());
    this.store.setHeld(id, false);
    this.hooks?.emit({ type: 'updated', id });
    if (this.hooks) await this.hooks.settle(id);
    return n;
  }

  private mustExist(id: string): void {
    if (!this.store.has(id)) throw notFound(id);
  }

  private changed(id: string): void {
    this.hooks?.emit({ type: 'updated', id });
    this.hooks?.wake();
  }
}

function notFound(id: string): UserError {
  return new UserError(`no such queued message: ${id}`, 'not_found');
}
