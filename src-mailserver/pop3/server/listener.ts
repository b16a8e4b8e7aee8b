// A POP3 listener: port 110 (plain, STLS) or 995 (TLS from the first byte, RFC 8314), on the
// shared SessionListener (per-address and per-user limits of the config, certificate renewal
// without dropping connections, a last -ERR to every session on stop).
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Config } from '../../config/config.js';
import { SessionListener } from '../../net/session-listener.js';
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

export class Pop3Listener extends SessionListener<Pop3ConnectionHandler> {
  constructor(deps: Pop3ListenerDeps, implicitTls: boolean) {
    const services: Pop3Services = {
      store: deps.store,
      authenticator: deps.authenticator,
      config: deps.config,
      log: deps.log,
      admitUser: (account, cid) => this.admitUser(account.id, account.address, cid),
    };
    super({
      proto: 'pop3',
      tls: deps.tls,
      implicitTls,
      log: deps.log,
      limits: deps.config.limits,
      tooManyReply: '-ERR [SYS/TEMP] Too many connections from your address\r\n',
      createConnection: (socket, onClose) => new Pop3ConnectionHandler(socket, { services, tls: deps.tls, implicitTls, onClose }),
      accountOf: (c) => c.session.account?.id,
    });
  }
}
