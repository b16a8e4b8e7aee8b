// What every workload sees of a mail stack under test: where its SMTP (port-25 role), submission
// and IMAP listeners are, where a user's Maildir is, and which processes it is made of (for
// memory). Implemented by our server (our-stack.ts) and by Postfix + Dovecot (classic-stack.ts).
// Also the users both stacks are provisioned with, so every workload has its own mailboxes.

export const DOMAIN = 'bench.test';
export const PASSWORD = 'bench-password-7';
/** The outbound sink (Postfix's smtp-sink) on port 25, in this bench's loopback range. */
export const SINK_ADDRESS = '127.0.4.2';
export const REMOTE_DOMAIN = 'remote.test';

export interface Endpoint {
  host: string;
  port: number;
}

export interface Stack {
  readonly name: 'ours' | 'classic';
  /** Port-25 role: takes mail for local users. */
  readonly smtp: Endpoint;
  /** Where outbound mail is handed in; `auth` when it needs AUTH PLAIN as the sender. */
  readonly submit: Endpoint & { auth: boolean };
  readonly imap: Endpoint;
  /** A local user's INBOX directory (holding new/ and cur/). */
  maildir(localPart: string): string;
  /** The processes the stack consists of right now. */
  pids(): number[];
  stop(): Promise<void>;
}

export interface BenchUsers {
  /** Fresh mailboxes for SMTP ingest; each ingest run takes the next unused ones. */
  ingest: string[];
  /** Seeded mailboxes for the IMAP mixed load. */
  mixed: string[];
  /** The large mailbox. */
  big: string;
  /** Logins for the idle connections. */
  idle: string[];
  /** Senders of outbound mail. */
  senders: string[];
}

export function benchUsers(ingestCount: number): BenchUsers {
  const pad = (n: number) => String(n).padStart(3, '0');
  return {
    ingest: Array.from({ length: ingestCount }, (_, i) => `in${pad(i + 1)}`),
    mixed: Array.from({ length: 10 }, (_, i) => `mx${pad(i + 1)}`),
    big: 'big',
    idle: Array.from({ length: 20 }, (_, i) => `idle${pad(i + 1)}`),
    senders: Array.from({ length: 10 }, (_, i) => `out${pad(i + 1)}`),
  };
}

export function allLocalParts(users: BenchUsers): string[] {
  return [...users.ingest, ...users.mixed, users.big, ...users.idle, ...users.senders];
}

/** Hands out ingest mailboxes so no two runs share one. */
export class MailboxPool {
  private next = 0;
  constructor(private readonly names: string[]) {}
  take(n: number): string[] {
    if (this.next + n > this.names.length) throw new Error('bench: ran out of fresh ingest mailboxes');
    const out = this.names.slice(this.next, this.next + n);
    this.next += n;
    return out;
  }
}
