// One POP3 session (RFC 1939 §3-§6): AUTHORIZATION → TRANSACTION → UPDATE. On login the
// INBOX is snapshotted (UIDs and sizes in typed arrays); message numbers refer to that snapshot
// for the whole session; DELE marks, RSET unmarks, QUIT in TRANSACTION expunges the marked ones.
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Config } from '../../config/config.js';
import type { Account } from '../../directory/accounts.js';
import type { Mailbox } from '../../store/mailbox-index.js';
import type { MessageStore } from '../../store/message-store.js';
import type { Pop3Command } from '../protocol/parse-command.js';

export type Pop3State = 'authorization' | 'transaction' | 'update';

export interface Pop3Services {
  store: MessageStore;
  authenticator: Authenticator;
  config: Config;
  log: Logger;
  admitUser(account: Account, connectionId: string): boolean;
}

export class Maildrop {
  readonly deleted: Uint8Array;

  constructor(
    readonly mailbox: Mailbox,
    readonly uids: Uint32Array,
    readonly sizes: Float64Array,
  ) {
    this.deleted = new Uint8Array(uids.length);
  }

  get count(): number {
    return this.uids.length;
  }

  /** Index of message number `n` when it exists and is not deleted; -1 otherwise. */
  index(n: number): number {
    return n >= 1 && n <= this.uids.length && !this.deleted[n - 1] ? n - 1 : -1;
  }

  /** Messages not marked deleted, and their total size. */
  stat(): { count: number; size: number } {
    let count = 0;
    let size = 0;
    for (let i = 0; i < this.uids.length; i++) {
      if (this.deleted[i]) continue;
      count++;
      size += this.sizes[i]!;
    }
    return { count, size };
  }

  /** The UIDL (Dovecot's default pop3_uidl_format %08Xu%08Xv). */
  uidl(i: number): string {
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    return hex(this.uids[i]!) + hex(this.mailbox.uidValidity);
  }
}

export class Pop3Session {
  state: Pop3State = 'authorization';
  user: string | null = null;
  account: Account | null = null;
  maildrop: Maildrop | null = null;
}

export interface Pop3Result {
  ok: boolean;
  text: string;
  /** Extended response code (RFC 2449 §8), e.g. `AUTH` or `IN-USE`. */
  code?: string;
  /** Multi-line body lines (dot-stuffed by the connection). */
  lines?: string[];
  /** Multi-line body streamed after the +OK line: chunks already dot-stuffed, terminator included. */
  body?: AsyncIterable<Buffer>;
  after?: 'stls' | 'close';
}

export interface Pop3Connection {
  readonly cid: string;
  readonly remoteAddress: string;
  readonly canStartTls: boolean;
  plaintextAllowed(): boolean;
  /** Send one line now. */
  send(text: string | Buffer): Promise<void>;
  /** Ask for an AUTH continuation and read the client's reply line (null at end of connection). */
  continuation(text: string): Promise<string | null>;
}

export interface Pop3Context<C extends Pop3Command = Pop3Command> {
  command: C;
  session: Pop3Session;
  services: Pop3Services;
  conn: Pop3Connection;
  log: Logger;
}

export interface Pop3CommandSpec<C extends Pop3Command = Pop3Command> {
  name: C['name'];
  states: Pop3State[];
  run(ctx: Pop3Context<C>): Promise<Pop3Result>;
}

export const ok = (text: string, lines?: string[]): Pop3Result => ({ ok: true, text, lines });
export const err = (text: string, code?: string): Pop3Result => ({ ok: false, text, code });
