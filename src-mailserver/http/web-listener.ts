// The web listeners: plain HTTP (port 80: ACME challenges, autoconfig) and HTTPS (port 443, the
// certificate from TlsProvider through SNICallback, so a renewal applies without a restart).
// Bounded header, request and keep-alive times; stop() closes idle connections at once.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsProvider } from '../tls/tls-provider.js';
import { createWebHandler, type WebDeps } from './routes.js';

export class WebListener {
  readonly server: Server;

  constructor(deps: WebDeps, tls: TlsProvider | null) {
    const handler = createWebHandler(deps, tls !== null);
    const options = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, maxHeaderSize: 16 * 1024 };
    if (tls) {
      const server = createHttpsServer({ ...options, key: tls.keyPair.key, cert: tls.keyPair.cert, SNICallback: tls.sniCallback }, handler);
      // Clients that send no SNI get the server's default context: keep it current too.
      const onChange = (pair: { key: string; cert: string }) => server.setSecureContext({ key: pair.key, cert: pair.cert });
      tls.on('change', onChange);
      server.on('close', () => tls.off('change', onChange));
      this.server = server;
    } else {
      this.server = createHttpServer(options, handler);
    }
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
    this.server.closeAllConnections();
  }
}
