// One SMTP client session to another server, over nodemailer's SMTPConnection: connect (TCP or
// implicit TLS), EHLO, STARTTLS (RFC 3207; opportunistic or required, verified or not), AUTH for
// a relay (RFC 4954), then any number of transactions on the same connection. Every operation has
// a timeout; an error that is not an SMTP reply leaves the session unusable. Results are per
// recipient (RFC 5321 §3.3: each RCPT has its own reply; the reply to DATA covers the accepted).
import type { TLSSocket } from 'node:tls';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

export type TlsPolicy =
  /** Use STARTTLS when offered, without checking the certificate (RFC 7435 opportunistic). */
  | 'opportunistic'
  /** STARTTLS must succeed, with a certificate valid for `servername` (MTA-STS, a verifying relay). */
  | 'required-verified'
  /** STARTTLS must succeed; the certificate is not checked. */
  | 'required'
  /** TLS from the first byte (port 465), verified or not per `verify`. */
  | 'implicit'
  | 'none';

export interface SmtpClientOptions {
  /** Address to connect to (an IP address, or a name resolved by the caller). */
  host: string;
  port: number;
  /** Name the certificate must carry and SNI value (the MX host name). */
  servername?: string;
  /** Our EHLO name. */
  clientName: string;
  tls: TlsPolicy;
  /** For `implicit`: check the certificate. */
  verify?: boolean;
  /** Extra trusted CA certificates (PEM), on top of the system's. */
  ca?: string[];
  auth?: { user: string; pass: string };
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  commandTimeoutMs: number;
}

/** An SMTP-level failure or a connection failure, normalised. */
export interface SmtpFailure {
  /** The server's reply (first line numbers kept), or our description when there was none. */
  reply: string;
  /** 3-digit code, or null when the server said nothing (connection, TLS, timeout). */
  code: number | null;
  /** Where it happened: CONN, EHLO, STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA. */
  stage: string;
  /** True when there was no SMTP reply at all (network, TLS handshake, timeout). */
  network: boolean;
  /** The TLS handshake (not the server) failed. */
  tlsFailed: boolean;
}

export interface RecipientReply {
  address: string;
  ok: boolean;
  reply: string;
  code: number;
}

export type TransactionResult =
  /** MAIL FROM was refused, or DATA failed: `failure` applies to every recipient not refused at RCPT. */
  | { ok: false; failure: SmtpFailure; recipients: RecipientReply[] }
  | { ok: true; dataReply: string; recipients: RecipientReply[] };

export interface Envelope {
  from: string;
  to: string[];
  size?: number;
  use8BitMime?: boolean;
}

interface ConnectionInternals {
  secure: boolean;
  _socket?: TLSSocket;
  _ehloLines?: string[];
}

interface NodemailerError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejected?: string[];
  rejectedErrors?: NodemailerError[];
  recipient?: string;
}

export function failureFrom(err: unknown, fallbackStage = 'CONN', duringHandshake = false): SmtpFailure {
  const e = (err ?? {}) as NodemailerError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const stage = duringHandshake ? 'STARTTLS' : e.command && e.command !== 'API' ? e.command : fallbackStage;
  const tlsFailed = code === null && (e.code === 'ETLS' || duringHandshake);
  const reply = code !== null && e.response ? e.response.replace(/\r?\n/g, ' ').trim() : describeNetworkError(e);
  return { reply, code, stage, network: code === null, tlsFailed };
}

function describeNetworkError(e: NodemailerError): string {
  const detail = (e.message || String(e)).replace(/\s+/g, ' ').trim();
  switch (e.code) {
    case 'ETIMEDOUT':
      return `timed out (${detail})`;
    case 'ETLS':
      return `TLS failed (${detail})`;
    default:
      return detail || 'connection failed';
  }
}

export class SmtpClientSession {
  private broken = false;
  private dirty = false;
  private lastError: NodemailerError | null = null;
  /** The connection failed during the TLS handshake after STARTTLS. */
  private handshakeFailed = false;
  private waiters = new Set<(err: NodemailerError) => void>();
  messagesSent = 0;

  private constructor(
    private readonly conn: SMTPConnection,
    readonly options: SmtpClientOptions,
  ) {
    conn.on('error', (err: NodemailerError) => {
      // nodemailer reports a failed handshake as a socket error; its `upgrading` flag tells.
      if ((conn as unknown as { upgrading?: boolean }).upgrading) this.handshakeFailed = true;
      this.broken = true;
      this.lastError = err;
      for (const w of this.waiters) w(err);
    });
    conn.on('end', () => {
      this.broken = true;
      const err: NodemailerError = this.lastError ?? Object.assign(new Error('connection closed'), { code: 'ECONNECTION' });
      for (const w of this.waiters) w(err);
    });
  }

  /** Connect, EHLO, STARTTLS per the policy, AUTH when asked. Throws an SmtpFailure. */
  static async open(options: SmtpClientOptions): Promise<SmtpClientSession> {
    const verified = options.tls === 'required-verified' || (options.tls === 'implicit' && options.verify === true);
    const conn = new SMTPConnection({
      host: options.host,
      port: options.port,
      secure: options.tls === 'implicit',
      servername: options.servername,
      name: options.clientName,
      ignoreTLS: options.tls === 'none',
      requireTLS: options.tls === 'required' || options.tls === 'required-verified',
      opportunisticTLS: options.tls === 'opportunistic',
      connectionTimeout: options.connectTimeoutMs,
      greetingTimeout: options.greetingTimeoutMs,
      socketTimeout: options.commandTimeoutMs,
      dnsTimeout: options.connectTimeoutMs,
      logger: false,
      tls: {
        rejectUnauthorized: verified,
        servername: options.servername,
        minVersion: 'TLSv1.2',
        ...(options.ca?.length ? { ca: [...rootCertificates, ...options.ca] } : {}),
      },
    } as SMTPConnection.Options);
    const session = new SmtpClientSession(conn, options);
    try {
      await session.run<void>((done) => conn.connect(() => done(null)));
      const auth = options.auth;
      if (auth) await session.run<void>((done) => conn.login({ user: auth.user, pass: auth.pass }, (err) => done(err)));
    } catch (err) {
      session.close();
      throw failureFrom(err, 'CONN', session.handshakeFailed);
    }
    return session;
  }

  /** Run one nodemailer operation; reject on its error or on a connection error meanwhile. */
  private run<T>(start: (done: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let finished = false;
      const fail = (err: NodemailerError) => {
        if (finished) return;
        finished = true;
        this.waiters.delete(fail);
        reject(err);
      };
      this.waiters.add(fail);
      if (this.broken) return fail(this.lastError ?? Object.assign(new Error('connection closed'), { code: 'ECONNECTION' }));
      start((err, value) => {
        if (finished) return;
        finished = true;
        this.waiters.delete(fail);
        if (err) reject(err);
        else resolve(value as T);
      });
    });
  }

  get usable(): boolean {
    return !this.broken;
  }

  /** TLS in use: protocol and cipher, or null for plain text. */
  get tls(): { version: string; cipher: string; authorized: boolean } | null {
    const internals = this.conn as unknown as ConnectionInternals;
    const socket = internals._socket;
    if (!internals.secure || !socket || typeof socket.getProtocol !== 'function') return null;
    return { version: socket.getProtocol() ?? 'TLS', cipher: socket.getCipher()?.name ?? '', authorized: socket.authorized === true };
  }

  /** The server's EHLO keywords (after STARTTLS, the second EHLO), upper case. */
  get extensions(): string[] {
    return ((this.conn as unknown as ConnectionInternals)._ehloLines ?? []).map((l) => l.split(/\s+/)[0]!.toUpperCase());
  }

  /**
   * One transaction. Per-recipient replies; a refused MAIL FROM or a failed DATA is reported as
   * `failure` for every recipient not already refused. Throws only when the connection breaks
   * (an SmtpFailure with network: true), after which the session is not usable.
   */
  async send(envelope: Envelope, message: Readable): Promise<TransactionResult> {
    if (this.dirty) {
      await this.run<void>((done) => this.conn.reset((err) => done(err))).catch((err: unknown) => {
        throw failureFrom(err, 'RSET');
      });
      this.dirty = false;
    }
    try {
      const info = await this.run<{ accepted: string[]; rejected: string[]; rejectedErrors?: NodemailerError[]; response: string }>((done) =>
        this.conn.send(envelope, message, (err, info) => done(err, info as never)),
      );
      this.messagesSent++;
      const recipients: RecipientReply[] = [];
      const rejected = new Map((info.rejectedErrors ?? []).map((e) => [e.recipient ?? '', e]));
      for (const address of envelope.to) {
        const r = rejected.get(address);
        if (r) recipients.push({ address, ok: false, reply: oneLine(r.response ?? r.message), code: r.responseCode ?? 450 });
        else recipients.push({ address, ok: true, reply: oneLine(info.response), code: replyCode(info.response) });
      }
      return { ok: true, dataReply: oneLine(info.response), recipients };
    } catch (err) {
      message.destroy();
      const e = err as NodemailerError;
      const limit = /Message size larger than allowed (\d+)/.exec(e.message ?? '');
      if (!this.broken && e.code === 'EMESSAGE' && limit) {
        // nodemailer refuses before MAIL FROM when the server's SIZE is smaller: a permanent
        // failure (RFC 1870 §6), and the connection is untouched.
        const reply = `552 5.3.4 Message too big for this server (its limit: ${limit[1]} bytes)`;
        return { ok: false, failure: { reply, code: 552, stage: 'MAIL FROM', network: false, tlsFailed: false }, recipients: [] };
      }
      if (this.broken || e.responseCode === undefined) {
        this.broken = true;
        throw failureFrom(err, 'DATA');
      }
      // An SMTP reply refused the transaction: the connection stays usable after RSET.
      this.dirty = true;
      const failure = failureFrom(err, e.command ?? 'DATA');
      const recipients: RecipientReply[] = [];
      // Recipients refused at RCPT keep their own replies (nodemailer keeps them on the envelope).
      const envelopeState = (this.conn as unknown as { _envelope?: { rejectedErrors?: NodemailerError[] } })._envelope;
      for (const r of e.rejectedErrors ?? envelopeState?.rejectedErrors ?? []) {
        recipients.push({ address: r.recipient ?? '', ok: false, reply: oneLine(r.response ?? r.message), code: r.responseCode ?? 450 });
      }
      return { ok: false, failure, recipients };
    }
  }

  close(): void {
    const internals = this.conn as unknown as { _socket?: { destroy(): void; destroyed?: boolean } };
    const socket = internals._socket;
    if (!this.broken && socket) {
      this.broken = true;
      this.conn.quit();
    } else {
      this.broken = true;
      this.conn.close();
    }
    // A peer that never answers QUIT or never closes its side must not keep the socket open.
    setTimeout(() => {
      this.conn.close();
      const s = internals._socket;
      if (s && !s.destroyed) s.destroy();
    }, 2000).unref();
  }
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ').trim();
}

function replyCode(reply: string): number {
  const m = /^(\d{3})/.exec(reply);
  return m ? Number(m[1]) : 250;
}
