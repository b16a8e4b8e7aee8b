// An IMAP listener: port 143 (plain, STARTTLS) or 993 (TLS from the first byte, RFC 8314).
// Counts connections per client IP and logged-in sessions per user (limits from the config;
// over the IP limit a connection gets BYE at once), keeps the connections so stop() can say
// BYE to each, and uses the shared TlsProvider so a renewed certificate applies at once.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Config } from '../../config/config.js';
import type { Account } from '../../directory/accounts.js';
import type { MessageStore } from '../../store/message-store.js';
import type { TlsProvider } from '../../tls/tls-provider.js';
import { ImapConnection } from './connection.js';
import type { ImapServices } from './session.js';

export interface ImapListenerDeps {
  store: MessageStore;
  authenticator: Authenticator;
  config: Config;
  tls: TlsProvider;
  log: Logger;
}

export class ImapListener {
  private readonly server: Server;
  private readonly connections = new Set<ImapConnection>();
  private readonly perIp = new Map<string, number>();
  private readonly perUser = new Map<number, Set<string>>();
  private readonly services: ImapServices;

  constructor(
    private readonly deps: ImapListenerDeps,
    private readonly implicitTls: boolean,
  ) {
    this.services = {
      store: deps.store,
      authenticator: deps.authenticator,
      config: deps.config,
      log: deps.log,
      admitUser: (account, cid) => this.admitUser(account, cid),
    };
    const onSocket = (socket: Socket) => this.accept(socket);
    if (implicitTls) {
      const { key, cert } = deps.tls.keyPair;
      const server = createTlsServer({ key, cert, SNICallback: deps.tls.sniCallback }, (s: TLSSocket) => onSocket(s));
      // Clients that send no SNI get the default context: keep it current too.
      const onChange = (pair: { key: string; cert: string }) => server.setSecureContext({ key: pair.key, cert: pair.cert });
      deps.tls.on('change', onChange);
      server.on('close', () => deps.tls.off('change', onChange));
      this.server = server;
    } else {
      this.server = createServer(onSocket);
    }
    this.server.on('error', (err) => deps.log.error({ err }, 'imap listener error'));
    if (implicitTls) this.server.on('tlsClientError', (err) => deps.log.debug({ err: err.message }, 'TLS handshake failed'));
  }

  private admitUser(account: Account, cid: string): boolean {
    let set = this.perUser.get(account.id);
    if (!set) this.perUser.set(account.id, (set = new Set()));
    if (set.size >= this.deps.config.limits.maxConnectionsPerUser) {
      this.deps.log.warn({ cid, proto: 'imap', user: account.address, sessions: set.size }, 'too many sessions for user');
      return false;
    }
    set.add(cid);
    return true;
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    const count = (this.perIp.get(ip) ?? 0) + 1;
    if (count > this.deps.config.limits.maxConnectionsPerIp) {
      this.deps.log.warn({ proto: 'imap', remote: ip }, 'too many connections from address');
      socket.on('error', () => undefined);
      socket.end('* BYE Too many connections from your address.\r\n');
      return;
    }
    this.perIp.set(ip, count);
    const conn = new ImapConnection(socket, {
      services: this.services,
      tls: this.deps.tls,
      implicitTls: this.implicitTls,
      onClose: (c) => {
        this.connections.delete(c);
        const n = (this.perIp.get(ip) ?? 1) - 1;
        if (n <= 0) this.perIp.delete(ip);
        else this.perIp.set(ip, n);
        const account = c.session.account;
        if (account) this.perUser.get(account.id)?.delete(c.cid);
      },
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
