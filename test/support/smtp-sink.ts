// A peer MTA written in the test (smtp-server): listens on a fixed loopback address (port 25 by
// default, where outbound delivery connects), records every message, and answers what the test
// decides: 4xx or 5xx for a recipient or for DATA, AUTH required, STARTTLS offered or not.
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface SinkMessage {
  from: string;
  to: string[];
  data: Buffer;
  secure: boolean;
  tlsVersion: string | null;
  user: string | null;
  helo: string;
}

export type SinkReply = { code: number; text: string } | null;

export interface SinkOptions {
  address: string;
  port?: number;
  /** Offer STARTTLS (or implicit TLS with `secure`) with this certificate. */
  tls?: { key: string; cert: string };
  /** More TLS settings for the listener (minVersion, maxVersion ...). */
  tlsOptions?: { minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'; maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' };
  secure?: boolean;
  /** Advertised SIZE limit (default 100 MB). */
  size?: number;
  /** Do not offer SMTPUTF8. */
  noSmtpUtf8?: boolean;
  /** Require AUTH PLAIN/LOGIN with these credentials. */
  auth?: { user: string; pass: string };
  onRcpt?: (address: string, session: SMTPServerSession) => SinkReply;
  onData?: (message: SinkMessage) => SinkReply;
  /** Hold the reply to DATA until this resolves. */
  beforeDataReply?: (message: SinkMessage) => Promise<void>;
}

export interface SmtpSink {
  address: string;
  port: number;
  messages: SinkMessage[];
  connections: number;
  /** Most connections open at once. */
  maxConcurrent: number;
  authFailures: number;
  waitForMessages(n: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** The first message whose text contains `text` (a retried delivery may arrive twice). */
  waitForMessageWith(text: string, timeoutMs?: number): Promise<SinkMessage>;
  stop(): Promise<void>;
}

function reply(r: SinkReply): Error | undefined {
  if (!r) return undefined;
  return Object.assign(new Error(r.text), { responseCode: r.code });
}

export async function startSmtpSink(t: TestContext | null, options: SinkOptions): Promise<SmtpSink> {
  const sink: SmtpSink = {
    address: options.address,
    port: 0,
    messages: [],
    connections: 0,
    maxConcurrent: 0,
    authFailures: 0,
    async waitForMessages(n, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (sink.messages.length < n) {
        if (Date.now() > deadline) throw new Error(`sink ${options.address}: ${sink.messages.length} of ${n} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return sink.messages;
    },
    async waitForMessageWith(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = sink.messages.find((m) => m.data.includes(text));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`sink ${options.address}: no message with ${JSON.stringify(text)} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: async () => undefined,
  };
  let open = 0;
  const server = new SMTPServer({
    secure: options.secure ?? false,
    key: options.tls?.key,
    cert: options.tls?.cert,
    ...options.tlsOptions,
    hideSTARTTLS: !options.tls,
    disabledCommands: options.auth ? [] : ['AUTH'],
    authOptional: !options.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    logger: false,
    size: options.size ?? 100 * 1024 * 1024,
    hideSMTPUTF8: options.noSmtpUtf8 ?? false,
    onConnect(_session, cb) {
      sink.connections++;
      open++;
      sink.maxConcurrent = Math.max(sink.maxConcurrent, open);
      cb();
    },
    onClose() {
      open--;
    },
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return cb(null, { user: auth.username });
      sink.authFailures++;
      cb(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, session, cb) {
      cb(reply(options.onRcpt?.(address.address, session) ?? null));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const message: SinkMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
          secure: session.secure,
          tlsVersion: session.tlsOptions ? (session.tlsOptions.version ?? null) : null,
          user: typeof session.user === 'string' ? session.user : null,
          helo: session.hostNameAppearsAs,
        };
        const finish = () => {
          const r = options.onData?.(message) ?? null;
          if (!r) sink.messages.push(message);
          cb(reply(r));
        };
        if (options.beforeDataReply) void options.beforeDataReply(message).then(finish);
        else finish();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 25, options.address, () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  let stopped = false;
  sink.stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t?.after(() => sink.stop());
  return sink;
}
