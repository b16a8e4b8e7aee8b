// Lifecycle of one smtp-server listener: listen on a port, count transactions in flight, and on
// stop refuse new connections, let every DATA in progress finish (its reply included), then
// close the idle connections with 421.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export class SmtpListener {
  readonly server: SMTPServer;
  private inFlight = 0;
  private drained: (() => void) | null = null;

  constructor(options: SMTPServerOptions) {
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
