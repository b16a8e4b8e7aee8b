// One IMAP session's state (RFC 9051 §3): not authenticated → authenticated → selected →
// logout, the logged-in account, the extensions the client ENABLEd (RFC 5161) and the selected
// mailbox's view. What a command needs from the services and the connection comes in
// CommandContext; commands never touch the socket.
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Config } from '../../config/config.js';
import type { Account } from '../../directory/accounts.js';
import type { MessageStore } from '../../store/message-store.js';
import type { ImapCommand } from '../protocol/command-types.js';
import type { CapabilityState } from './capabilities.js';
import type { SelectedMailbox, SyncOptions } from './selected-mailbox.js';

export type SessionState = 'notAuthenticated' | 'authenticated' | 'selected' | 'logout';

export interface ImapServices {
  store: MessageStore;
  authenticator: Authenticator;
  config: Config;
  log: Logger;
  /** Called on login; false when the account already has too many sessions. */
  admitUser(account: Account, connectionId: string): boolean;
}

export class ImapSession {
  state: SessionState = 'notAuthenticated';
  account: Account | null = null;
  selected: SelectedMailbox | null = null;
  readonly enabled = new Set<string>();
  /** CONDSTORE is on once enabled or once the client used a CONDSTORE feature (RFC 7162 §3.1). */
  condstore = false;
  clientId: string | null = null;

  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT') || this.enabled.has('IMAP4REV2');
  }

  get rev2(): boolean {
    return this.enabled.has('IMAP4REV2');
  }

  get qresync(): boolean {
    return this.enabled.has('QRESYNC');
  }

  syncOptions(expunges: boolean): SyncOptions {
    return { expunges, qresync: this.qresync, condstore: this.condstore, rev1: !this.rev2 };
  }
}

export interface CommandResult {
  status: 'OK' | 'NO' | 'BAD';
  /** Response code without brackets, e.g. `READ-WRITE` or `COPYUID 1 2 3`. */
  code?: string;
  text: string;
  /** What the connection does after sending the tagged reply. */
  after?: 'starttls' | 'compress' | 'close';
}

export interface ConnectionControl {
  readonly cid: string;
  readonly remoteAddress: string;
  readonly secure: boolean;
  capabilityState(session: ImapSession): CapabilityState;
  /** Queue an untagged response (or any response text); resolves once buffered output is within bounds. */
  send(data: string | Buffer | (string | Buffer)[]): Promise<void>;
  flush(): Promise<void>;
  /** Send a continuation request and wait for the client's next line (null when the connection ends). */
  continuation(text: string): Promise<Buffer | null>;
  /** IDLE: run until the client sends DONE; `onWake` is called on changes and on the keep-alive timer. */
  idle(onWake: () => Promise<void>, subscribe: (wake: () => void) => () => void): Promise<'done' | 'bad' | 'closed'>;
  /** Whether STARTTLS can still be done on this connection. */
  readonly canStartTls: boolean;
}

export interface CommandContext<C extends ImapCommand = ImapCommand> {
  tag: string;
  command: C;
  session: ImapSession;
  services: ImapServices;
  conn: ConnectionControl;
  log: Logger;
}

export interface CommandSpec<C extends ImapCommand = ImapCommand> {
  name: C['name'];
  /** States in which the command is valid (RFC 9051 §6). */
  states: SessionState[];
  /**
   * Whether EXPUNGE responses must be held back after this command (FETCH, STORE, SEARCH with
   * sequence numbers; RFC 9051 §7.5.1).
   */
  holdsExpunges?: (command: C) => boolean;
  run(ctx: CommandContext<C>): Promise<CommandResult>;
}

export const ok = (text: string, code?: string): CommandResult => ({ status: 'OK', text, code });
export const no = (text: string, code?: string): CommandResult => ({ status: 'NO', text, code });
export const bad = (text: string, code?: string): CommandResult => ({ status: 'BAD', text, code });
