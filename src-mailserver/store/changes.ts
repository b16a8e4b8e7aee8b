// In-process change bus: every delivery, append, flag change, expunge, copy/move and mailbox
// change is announced here, so IMAP IDLE and other sessions on the same mailbox learn of it at
// once (they then read what changed from the index by MODSEQ), and so later components (spam
// training on moves into and out of Junk) can react to what users do.
import { EventEmitter } from 'node:events';

export type MailboxChange =
  | { type: 'append'; accountId: number; mailboxId: number; uid: number; modseq: number }
  | { type: 'flags'; accountId: number; mailboxId: number; uids: number[]; modseq: number }
  | { type: 'expunge'; accountId: number; mailboxId: number; uids: number[]; modseq: number }
  | {
      /**
       * Messages copied (or moved, when `move`) by a user from one mailbox to another. The
       * special-use attributes tell, for instance, that a message went into `\Junk` or out of it.
       */
      type: 'copy';
      accountId: number;
      sourceMailboxId: number;
      sourceSpecialUse: string | null;
      mailboxId: number;
      targetSpecialUse: string | null;
      sourceUids: number[];
      uids: number[];
      move: boolean;
    }
  | { type: 'mailbox'; accountId: number; mailboxId: number; action: 'create' | 'delete' | 'rename' };

export type ChangeListener = (change: MailboxChange) => void;

export class ChangeBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(change: MailboxChange): void {
    this.emitter.emit(`account:${change.accountId}`, change);
    this.emitter.emit('*', change);
  }

  /** Listen to one account's changes; returns the unsubscribe function. */
  subscribe(accountId: number, listener: ChangeListener): () => void {
    const event = `account:${accountId}`;
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Listen to every change (counters, admin UI, spam training). */
  subscribeAll(listener: ChangeListener): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }
}
