// Lifecycle of one smtp-server listener: listen on a port, count transactions in flight, and on
// stop refuse new connections, let every DATA in progress finish (its reply included), then
// close the idle connections with 421. The certificate follows the TlsProvider: SNI handshakes
// ask it directly, and the default context (clients that send no SNI, such as Postfix) is
// replaced whenever the provider changes, so a renewal needs no restart.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { TlsProvider } from '../tls/tls-provider.js';

export class SmtpListener {
  readonly server: SMTPServer;
  private inFlight = 0;
  private drained: (() => void) | null = null;

  private readonly detachTls: () => void;

  constructor(options: SMTPServerOptions, tls?: TlsProvider) {
    const onData = options.onData;
    const wrapped: SMTPServerOptions = { ...options };
    if (onData) {
      wrapped.onData = (stream, session, callback) => {
        this.inFlight++;
        onData(stream, session, (err, message) => {
          // Reply first; smtp-server sends it synchronously from this callback.
          callback(err, message as never);
          this.inFlight--;
          if (this.inFlight === 0 && this.drained) this.drained();
        });
      };
    }
    this.server = new SMTPServer(wrapped);
    this.server.on('error', () => {
      /* per-connection errors are logged by the hooks; the listener keeps running */
    });
    const onCertificate = () => {
      if (tls) this.server.secureContext.set('*', tls.secureContext);
    };
    onCertificate();
    tls?.on('change', onCertificate);
    this.detachTls = () => tls?.off('change', onCertificate);
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.server.off('error', onError);
        resolve((this.server.server.address() as AddressInfo).port);
      });
    });
  }

  get transactionsInFlight(): number {
    return this.inFlight;
  }

  /** Stop accepting, wait (at most `graceMs`) for transactions in flight, then close the rest. */
  async stop(graceMs = 8000): Promise<void> {
    this.detachTls();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.drained = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    for (const connection of this.server.connections) {
      connection.send(421, '4.3.2 Server shutting down');
      connection.close();
    }
    await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}
