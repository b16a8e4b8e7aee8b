// An IMAP listener: port 143 (plain, STARTTLS) or 993 (TLS from the first byte, RFC 8314), on the
// shared SessionListener (per-address limit answered with BYE at once, per-user session limit,
// certificate renewal without dropping connections, BYE to every session on stop).
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Config } from '../../config/config.js';
import { SessionListener } from '../../net/session-listener.js';
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

export class ImapListener extends SessionListener<ImapConnection> {
  constructor(deps: ImapListenerDeps, implicitTls: boolean) {
    const services: ImapServices = {
      store: deps.store,
      authenticator: deps.authenticator,
      config: deps.config,
      log: deps.log,
      admitUser: (account, cid) => this.admitUser(account.id, account.address, cid),
    };
    super({
      proto: 'imap',
      tls: deps.tls,
      implicitTls,
      log: deps.log,
      limits: deps.config.limits,
      tooManyReply: '* BYE Too many connections from your address.\r\n',
      createConnection: (socket, onClose) => new ImapConnection(socket, { services, tls: deps.tls, implicitTls, onClose }),
      accountOf: (c) => c.session.account?.id,
    });
  }
}
