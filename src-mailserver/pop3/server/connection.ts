// One POP3 connection: the only POP3 code that touches the socket. Splits input into lines
// (bounded; an over-long line is answered -ERR and skipped), runs commands one at a time through
// the command table (pipelined commands queue up, RFC 2449 PIPELINING), writes single-line and
// multi-line responses (dot-stuffed) with back-pressure, and handles STLS and the 10-minute
// inactivity timer (RFC 1939 §3).
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ProtocolSyntaxError } from '../../common/errors.js';
import { newId } from '../../common/ids.js';
import { isLoopback } from '../../dns/resolver.js';
import { upgradeToTls } from '../../net/session-listener.js';
import type { TlsProvider } from '../../tls/tls-provider.js';
import { parsePop3Command } from '../protocol/parse-command.js';
import { POP3_COMMANDS } from './command-table.js';
import { Pop3Session, type Pop3Connection as Pop3ConnectionControl, type Pop3Result, type Pop3Services } from './session.js';

const TIMEOUT_MS = 10 * 60_000;
const MAX_LINE = 4096;

export interface Pop3ConnectionOptions {
  services: Pop3Services;
  tls: TlsProvider;
  implicitTls: boolean;
  onClose(conn: Pop3ConnectionHandler): void;
}


export class Pop3ConnectionHandler implements Pop3ConnectionControl {
  readonly cid = newId('p');
  readonly session = new Pop3Session();
  readonly remoteAddress: string;
  readonly log: Logger;
  private stream: Socket;
  private pending = '';
  private skipping = false;
  private queue: string[] = [];
  private busy = false;
  private lineWaiter: ((line: string | null) => void) | null = null;
  private secureNow: boolean;
  private startedTls = false;
  private closed = false;
  private finished = false;
  private readonly onDataBound = (chunk: Buffer) => this.onData(chunk);

  constructor(
    socket: Socket,
    private readonly options: Pop3ConnectionOptions,
  ) {
    this.stream = socket;
    this.secureNow = options.implicitTls;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.log = options.services.log.child({ cid: this.cid, proto: 'pop3' });
    socket.setKeepAlive(true, 60_000);
    this.attach(socket);
  }

  get canStartTls(): boolean {
    return !this.secureNow && !this.startedTls;
  }

  plaintextAllowed(): boolean {
    return this.secureNow || (this.options.services.config.security.plaintextAuthFromLoopback && isLoopback(this.remoteAddress));
  }

  private attach(stream: Socket): void {
    stream.on('data', this.onDataBound);
    stream.on('error', (err) => this.log.debug({ err }, 'connection error'));
    stream.on('close', () => this.finish());
    stream.setTimeout(TIMEOUT_MS, () => {
      void this.send('-ERR Disconnected for inactivity\r\n').then(() => this.end());
    });
  }

  start(): void {
    void this.send('+OK Homemail POP3 ready\r\n');
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.pending += chunk.toString('latin1');
    for (;;) {
      const lf = this.pending.indexOf('\n');
      if (lf < 0) {
        if (this.pending.length > MAX_LINE) {
          this.pending = '';
          if (!this.skipping) this.queue.push('\u0000too-long');
          this.skipping = true;
        }
        break;
      }
      const line = Buffer.from(this.pending.slice(0, lf).replace(/\r$/, ''), 'latin1').toString('utf8');
      this.pending = this.pending.slice(lf + 1);
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      const waiter = this.lineWaiter;
      if (waiter) {
        this.lineWaiter = null;
        waiter(line);
      } else this.queue.push(line);
    }
    if (this.queue.length > 100) this.stream.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const line = this.queue.shift()!;
        if (this.queue.length < 20) this.stream.resume();
        await this.handle(line);
      }
    } catch (err) {
      this.log.error({ err }, 'connection failed');
      this.stream.destroy();
    } finally {
      this.busy = false;
    }
  }

  private async handle(line: string): Promise<void> {
    if (line === '\u0000too-long') {
      await this.send('-ERR Line too long\r\n');
      return;
    }
    let result: Pop3Result;
    try {
      const command = parsePop3Command(line);
      const spec = POP3_COMMANDS.get(command.name);
      if (!spec) result = { ok: false, text: 'Unknown command' };
      else if (!spec.states.includes(this.session.state)) result = { ok: false, text: `${command.name} is not valid now` };
      else result = await spec.run({ command: command as never, session: this.session, services: this.options.services, conn: this, log: this.log });
    } catch (err) {
      if (err instanceof ProtocolSyntaxError) result = { ok: false, text: err.message === 'unknown command' ? 'Unknown command' : `Bad command: ${err.message}` };
      else {
        const ref = new Date().toISOString();
        this.log.error({ err, ref }, 'POP3 command failed');
        result = { ok: false, code: 'SYS/TEMP', text: `Internal error occurred. Refer to server log for more information. [${ref}]` };
      }
    }
    await this.reply(result);
    if (this.session.state !== 'authorization') this.stream.setTimeout(TIMEOUT_MS);
    if (result.after === 'stls') this.startTls();
    else if (result.after === 'close') this.end();
  }

  private async reply(r: Pop3Result): Promise<void> {
    const head = `${r.ok ? '+OK' : '-ERR'}${r.code ? ` [${r.code}]` : ''}${r.text ? ' ' + r.text : ''}\r\n`;
    if (r.lines) {
      const body = r.lines.map((l) => (l.startsWith('.') ? '.' + l : l) + '\r\n').join('');
      await this.send(head + body + '.\r\n');
    } else if (r.body) {
      await this.send(head);
      for await (const chunk of r.body) await this.send(chunk);
    } else await this.send(head);
  }

  send(data: string | Buffer): Promise<void> {
    if (this.closed || this.stream.destroyed) return Promise.resolve();
    if (this.stream.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('close', done);
    });
  }

  continuation(text: string): Promise<string | null> {
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
      void this.send(`+ ${text}\r\n`);
    });
  }

  private startTls(): void {
    this.startedTls = true;
    this.queue = [];
    this.pending = '';
    this.stream.off('data', this.onDataBound);
    this.stream.removeAllListeners('timeout');
    const secure = upgradeToTls(this.stream, this.options.tls, () => (this.secureNow = true));
    this.stream = secure;
    this.attach(secure);
  }

  async shutdown(): Promise<void> {
    await this.send('-ERR [SYS/TEMP] Server shutting down\r\n');
    this.end();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.end();
    setTimeout(() => this.stream.destroy(), 2000).unref();
    this.finish();
  }

  private finish(): void {
    this.closed = true;
    if (this.finished) return;
    this.finished = true;
    const waiter = this.lineWaiter;
    this.lineWaiter = null;
    if (waiter) waiter(null);
    this.options.onClose(this);
  }
}
