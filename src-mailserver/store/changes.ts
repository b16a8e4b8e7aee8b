// In-process change bus: every delivery, append, flag change and expunge is announced here so
// IMAP IDLE and other sessions on the same mailbox learn of it at once.
import { EventEmitter } from 'node:events';

export type MailboxChange =
  | { type: 'append'; accountId: number; mailboxId: number; uid: number; modseq: number }
  | { type: 'flags'; accountId: number; mailboxId: number; uid: number; modseq: number }
  | { type: 'expunge'; accountId: number; mailboxId: number; uid: number; modseq: number }
  | { type: 'mailbox'; accountId: number; mailboxId: number };

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

  /** Listen to every change (counters, admin UI). */
  subscribeAll(listener: ChangeListener): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }
}
