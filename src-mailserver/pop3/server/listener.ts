// A POP3 listener: port 110 (plain, STLS) or 995 (TLS from the first byte, RFC 8314), with the
// per-address and per-user limits of the config and BYE-style -ERR to every session on stop.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Config } from '../../config/config.js';
import type { Account } from '../../directory/accounts.js';
import type { MessageStore } from '../../store/message-store.js';
import type { TlsProvider } from '../../tls/tls-provider.js';
import { Pop3ConnectionHandler } from './connection.js';
import type { Pop3Services } from './session.js';

export interface Pop3ListenerDeps {
  store: MessageStore;
  authenticator: Authenticator;
  config: Config;
  tls: TlsProvider;
  log: Logger;
}

export class Pop3Listener {
  private readonly server: Server;
  private readonly connections = new Set<Pop3ConnectionHandler>();
  private readonly perIp = new Map<string, number>();
  private readonly perUser = new Map<number, Set<string>>();
  private readonly services: Pop3Services;

  constructor(
    private readonly deps: Pop3ListenerDeps,
    private readonly implicitTls: boolean,
  ) {
    this.services = { store: deps.store, authenticator: deps.authenticator, config: deps.config, log: deps.log, admitUser: (a, cid) => this.admitUser(a, cid) };
    if (implicitTls) {
      const { key, cert } = deps.tls.keyPair;
      const server = createTlsServer({ key, cert, SNICallback: deps.tls.sniCallback }, (s: TLSSocket) => this.accept(s));
      const onChange = (pair: { key: string; cert: string }) => server.setSecureContext({ key: pair.key, cert: pair.cert });
      deps.tls.on('change', onChange);
      server.on('close', () => deps.tls.off('change', onChange));
      server.on('tlsClientError', (err) => deps.log.debug({ err: err.message }, 'TLS handshake failed'));
      this.server = server;
    } else {
      this.server = createServer((s) => this.accept(s));
    }
    this.server.on('error', (err) => deps.log.error({ err }, 'pop3 listener error'));
  }

  private admitUser(account: Account, cid: string): boolean {
    let set = this.perUser.get(account.id);
    if (!set) this.perUser.set(account.id, (set = new Set()));
    if (set.size >= this.deps.config.limits.maxConnectionsPerUser) return false;
    set.add(cid);
    return true;
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    const count = (this.perIp.get(ip) ?? 0) + 1;
    if (count > this.deps.config.limits.maxConnectionsPerIp) {
      socket.on('error', () => undefined);
      socket.end('-ERR [SYS/TEMP] Too many connections from your address\r\n');
      return;
    }
    this.perIp.set(ip, count);
    const conn = new Pop3ConnectionHandler(socket, {
      services: this.services,
      tls: this.deps.tls,
      implicitTls: this.implicitTls,
      onClose: (c) => {
        this.connections.delete(c);
        const n = (this.perIp.get(ip) ?? 1) - 1;
        if (n <= 0) this.perIp.delete(ip);
        else this.perIp.set(ip, n);
        if (c.session.account) this.perUser.get(c.session.account.id)?.delete(c.cid);
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

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.connections].map((c) => c.shutdown()));
    await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}
