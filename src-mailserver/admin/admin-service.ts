// The admin API of one running server: the request dispatcher and the event hub over the
// context service.ts hands in, the token for the HTTP transport, and that transport itself
// (created only when the admin port is on). The desktop entry attaches its IPC transport to the
// same dispatcher.
import type { TlsProvider } from '../tls/tls-provider.js';
import type { AdminContext } from './context.js';
import { AdminDispatcher } from './dispatcher.js';
import { AdminEventHub } from './event-hub.js';
import { AdminHttpServer, checkAdminAddress, newAdminToken } from './http-transport.js';
import { findUiDir } from './static-files.js';
import { buildStatus } from './status.js';

export class AdminService {
  readonly hub: AdminEventHub;
  readonly dispatcher: AdminDispatcher;
  readonly token: string;
  private http: AdminHttpServer | null = null;
  private httpAddress: { host: string; tls: boolean } | null = null;
  private boundPort = 0;

  constructor(
    readonly ctx: AdminContext,
    options: { token?: string } = {},
  ) {
    this.hub = new AdminEventHub(ctx, buildStatus);
    this.dispatcher = new AdminDispatcher(ctx, this.hub);
    this.token = options.token ?? newAdminToken();
    this.hub.start();
  }

  /** The HTTP + WebSocket transport; refuses a non-loopback address without `remote`. */
  createHttp(host: string, remote: boolean, tls: TlsProvider): { listen(port: number, host: string): Promise<number>; stop(): Promise<void> } {
    const { tls: useTls } = checkAdminAddress(host, remote);
    this.http = new AdminHttpServer({
      dispatcher: this.dispatcher,
      token: this.token,
      uiDir: findUiDir(),
      log: this.ctx.log.child({ component: 'admin' }),
      tls: useTls ? tls : undefined,
    });
    this.httpAddress = { host, tls: useTls };
    const http = this.http;
    return {
      listen: async (port, listenHost) => (this.boundPort = await http.listen(port, listenHost)),
      stop: () => http.stop(),
    };
  }

  /** The address to open in a browser, token included; null when the HTTP transport is off. */
  get url(): string | null {
    if (!this.httpAddress || !this.boundPort) return null;
    const { host, tls } = this.httpAddress;
    const shown = host === '0.0.0.0' || host === '::' ? this.ctx.config.hostname : host.includes(':') ? `[${host}]` : host;
    return `${tls ? 'https' : 'http'}://${shown}:${this.boundPort}/?token=${this.token}`;
  }

  stopEvents(): void {
    this.hub.stop();
  }
}
