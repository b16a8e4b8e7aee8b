// The TCP side shared by the line-protocol listeners (IMAP, POP3): plain or implicit-TLS server
// (RFC 8314) on the shared TlsProvider (a renewed certificate applies at once, also for clients
// without SNI), per-address connection limit, per-user session limit, STARTTLS upgrade of an
// accepted socket, and stop() that lets every connection say goodbye first.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { TlsProvider } from '../tls/tls-provider.js';

/** What a listener needs of each connection it keeps. */
export interface ListenedConnection {
  readonly cid: string;
  start(): void;
  shutdown(): Promise<void>;
}

export interface SessionListenerOptions<C extends ListenedConnection> {
  proto: string;
  tls: TlsProvider;
  implicitTls: boolean;
  log: Logger;
  limits: { maxConnectionsPerIp: number; maxConnectionsPerUser: number };
  /** Written to a connection refused for the per-address limit, then the socket is closed. */
  tooManyReply: string;
  /** Makes the protocol's connection; it must call onClose exactly once when it ends. */
  createConnection(socket: Socket, onClose: (conn: C) => void): C;
  /** The logged-in account of a connection, if any (its per-user slot is freed on close). */
  accountOf(conn: C): number | undefined;
}

export class SessionListener<C extends ListenedConnection> {
  private readonly server: Server;
  private readonly connections = new Set<C>();
  private readonly perIp = new Map<string, number>();
  private readonly perUser = new Map<number, Set<string>>();

  constructor(private readonly options: SessionListenerOptions<C>) {
    const { tls, log } = options;
    if (options.implicitTls) {
      const { key, cert } = tls.keyPair;
      const server = createTlsServer({ key, cert, SNICallback: tls.sniCallback }, (s: TLSSocket) => this.accept(s));
      // Clients that send no SNI get the default context: keep it current too.
      const onChange = (pair: { key: string; cert: string }) => server.setSecureContext({ key: pair.key, cert: pair.cert });
      tls.on('change', onChange);
      server.on('close', () => tls.off('change', onChange));
      server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));
      this.server = server;
    } else {
      this.server = createServer((s) => this.accept(s));
    }
    this.server.on('error', (err) => log.error({ err }, `${options.proto} listener error`));
  }

  /** Takes a per-user slot for a session that just logged in; false when the user has too many. */
  admitUser(accountId: number, address: string, cid: string): boolean {
    let set = this.perUser.get(accountId);
    if (!set) this.perUser.set(accountId, (set = new Set()));
    if (set.size >= this.options.limits.maxConnectionsPerUser) {
      this.options.log.warn({ cid, proto: this.options.proto, user: address, sessions: set.size }, 'too many sessions for user');
      return false;
    }
    set.add(cid);
    return true;
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    const count = (this.perIp.get(ip) ?? 0) + 1;
    if (count > this.options.limits.maxConnectionsPerIp) {
      this.options.log.warn({ proto: this.options.proto, remote: ip }, 'too many connections from address');
      socket.on('error', () => undefined);
      socket.end(this.options.tooManyReply);
      return;
    }
    this.perIp.set(ip, count);
    const conn = this.options.createConnection(socket, (c) => {
      this.connections.delete(c);
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
      const account = this.options.accountOf(c);
      if (account !== undefined) this.perUser.get(account)?.delete(c.cid);
    });
    this.connections.add(conn);
    conn.start();
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.connections].map((c) => c.shutdown()));
    await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}

/** Server side of STARTTLS / STLS on an accepted socket, with the current certificate and SNI. */
export function upgradeToTls(stream: Socket, tls: TlsProvider, onSecure: () => void): TLSSocket {
  const secure = new TLSSocket(stream, { isServer: true, secureContext: tls.secureContext, SNICallback: tls.sniCallback });
  secure.on('secure', onSecure);
  return secure;
}
