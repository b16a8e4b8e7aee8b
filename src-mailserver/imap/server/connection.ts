// One IMAP connection: the only code that touches the socket. Reads bytes (through TLS and
// COMPRESS=DEFLATE, RFC 4978, when started), frames them into commands, runs one command at a
// time through the command table, writes responses with back-pressure, and handles STARTTLS
// (RFC 9051 §6.2.1: input buffered before the handshake is thrown away), continuation lines
// (AUTHENTICATE, IDLE's DONE) and the idle timers (RFC 9051 §5.4: 30 minutes once logged in).
import type { Socket } from 'node:net';
import { constants as zlibConstants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import type { Logger } from 'pino';
import { newId } from '../../common/ids.js';
import { isLoopback } from '../../dns/resolver.js';
import { upgradeToTls } from '../../net/session-listener.js';
import type { TlsProvider } from '../../tls/tls-provider.js';
import { ImapFramer, type FrameEvent } from '../protocol/framer.js';
import { parseCommand, tagOf } from '../protocol/parse-command.js';
import { capabilities, type CapabilityState } from './capabilities.js';
import { COMMANDS } from './command-table.js';
import { errorReply } from './errors.js';
import { ImapSession, type CommandResult, type ConnectionControl, type ImapServices } from './session.js';

const PREAUTH_TIMEOUT_MS = 60_000;
const AUTH_TIMEOUT_MS = 30 * 60_000;
const IDLE_KEEPALIVE_MS = 2 * 60_000;
const OUTPUT_HIGH_WATER = 256 * 1024;

export interface ConnectionOptions {
  services: ImapServices;
  tls: TlsProvider;
  implicitTls: boolean;
  onClose(conn: ImapConnection): void;
}


export class ImapConnection implements ConnectionControl {
  readonly cid = newId('i');
  readonly session = new ImapSession();
  readonly remoteAddress: string;
  readonly log: Logger;
  private stream: Socket;
  private framer: ImapFramer;
  private queue: FrameEvent[] = [];
  private busy = false;
  private lineWaiter: ((line: Buffer | null) => void) | null = null;
  private out: (string | Buffer)[] = [];
  private outBytes = 0;
  private deflate: DeflateRaw | null = null;
  private inflate: InflateRaw | null = null;
  private closed = false;
  private secureNow: boolean;
  private startedTls = false;
  private readonly onDataBound = (chunk: Buffer) => this.onData(chunk);

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.stream = socket;
    this.secureNow = options.implicitTls;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.log = options.services.log.child({ cid: this.cid, proto: 'imap' });
    this.framer = this.newFramer();
    socket.setKeepAlive(true, 60_000);
    socket.setNoDelay(true);
    this.attach(socket);
  }

  get secure(): boolean {
    return this.secureNow;
  }

  get canStartTls(): boolean {
    return !this.secureNow && !this.startedTls;
  }

  private newFramer(): ImapFramer {
    const limits = this.options.services.config.limits;
    return new ImapFramer({ maxLine: 64 * 1024, maxLiteral: 1024 * 1024, maxAppendLiteral: limits.maxMessageBytes });
  }

  private attach(stream: Socket): void {
    stream.on('data', this.onDataBound);
    stream.on('error', (err) => this.log.debug({ err }, 'connection error'));
    stream.on('close', () => this.onClosed());
    stream.setTimeout(PREAUTH_TIMEOUT_MS, () => void this.timeout());
  }

  capabilityState(session: ImapSession): CapabilityState {
    return {
      authenticated: session.state !== 'notAuthenticated',
      tls: this.secureNow,
      canStartTls: this.canStartTls,
      plaintextAllowed: this.secureNow || (this.options.services.config.security.plaintextAuthFromLoopback && isLoopback(this.remoteAddress)),
      compressed: this.deflate !== null,
      appendLimit: this.options.services.config.limits.maxMessageBytes,
    };
  }

  start(): void {
    this.log.debug({ remote: this.remoteAddress, tls: this.secureNow }, 'connect');
    const caps = capabilities(this.capabilityState(this.session)).join(' ');
    void this.send(`* OK [CAPABILITY ${caps}] Homemail IMAP ready.\r\n`).then(() => this.flush());
  }

  private onData(chunk: Buffer): void {
    if (this.inflate) this.inflate.write(chunk);
    else this.feed(chunk);
  }

  private feed(chunk: Buffer): void {
    if (this.closed) return;
    for (const event of this.framer.push(chunk)) {
      if (event.kind === 'continue') {
        this.writeNow('+ OK\r\n');
      } else if (event.kind === 'line') {
        const waiter = this.lineWaiter;
        this.lineWaiter = null;
        if (waiter) waiter(event.data);
      } else {
        this.queue.push(event);
      }
    }
    if (this.queue.length > 50 || this.framer.buffered > 64 * 1024 * 1024) this.stream.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const event = this.queue.shift()!;
        if (this.queue.length < 10) this.stream.resume();
        await this.handle(event);
      }
    } catch (err) {
      this.log.error({ err }, 'connection failed');
      this.destroy();
    } finally {
      this.busy = false;
    }
  }

  private async handle(event: FrameEvent): Promise<void> {
    if (event.kind === 'tooBig') {
      const tag = tagOf(event.head) ?? '*';
      if (event.what === 'literal' && /^\S+ +(UID +)?APPEND /i.test(event.head.toString('latin1'))) {
        await this.reply(tag, { status: 'NO', code: 'TOOBIG', text: 'Message too large' });
      } else await this.reply(tag, { status: 'BAD', text: event.what === 'line' ? 'Command line too long' : 'Literal too large' });
      return;
    }
    if (event.kind !== 'command') {
      await this.reply('*', { status: 'BAD', text: 'Unexpected continuation line' });
      return;
    }
    let tag = tagOf(event.data) ?? '*';
    let result: CommandResult;
    let holdExpunges = false;
    try {
      const parsed = parseCommand(event.data);
      tag = parsed.tag;
      const spec = COMMANDS.get(parsed.command.name);
      if (!spec) result = { status: 'BAD', text: 'Unknown command' };
      else if (!spec.states.includes(this.session.state)) result = this.wrongState(parsed.command.name);
      else {
        holdExpunges = spec.holdsExpunges?.(parsed.command as never) ?? false;
        result = await spec.run({ tag, command: parsed.command as never, session: this.session, services: this.options.services, conn: this, log: this.log });
      }
    } catch (err) {
      result = errorReply(err, this.log, { tag });
    }
    if (this.closed) return;
    const selected = this.session.selected;
    if (selected && this.session.state === 'selected' && result.status !== 'BAD') {
      try {
        for (const line of selected.sync(this.session.syncOptions(!holdExpunges))) await this.send(line + '\r\n');
      } catch (err) {
        this.log.error({ err }, 'mailbox sync failed');
      }
    }
    await this.reply(tag, result);
    if (this.session.state !== 'notAuthenticated') this.stream.setTimeout(AUTH_TIMEOUT_MS);
    if (result.after === 'starttls') this.startTls();
    else if (result.after === 'compress') this.startCompression();
    else if (result.after === 'close') this.end();
  }

  private wrongState(name: string): CommandResult {
    if (this.session.state === 'notAuthenticated') return { status: 'BAD', text: `${name} requires authentication` };
    if (this.session.state === 'authenticated') return { status: 'BAD', text: `${name} requires a selected mailbox` };
    return { status: 'BAD', text: `${name} is not valid now` };
  }

  private async reply(tag: string, r: CommandResult): Promise<void> {
    await this.send(`${tag} ${r.status} ${r.code ? `[${r.code}] ` : ''}${r.text}\r\n`);
    await this.flush();
  }

  send(data: string | Buffer | (string | Buffer)[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    const parts = Array.isArray(data) ? data : [data];
    for (const p of parts) {
      this.out.push(p);
      this.outBytes += typeof p === 'string' ? p.length : p.length;
    }
    return this.outBytes > OUTPUT_HIGH_WATER ? this.flush() : Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.closed || this.out.length === 0) return;
    // Runs of strings become one buffer each (FETCH of 100k flags is 100k small strings).
    const buffers: Buffer[] = [];
    let run: string[] = [];
    for (const p of this.out) {
      if (typeof p === 'string') run.push(p);
      else {
        if (run.length) buffers.push(Buffer.from(run.join(''), 'utf8'));
        run = [];
        buffers.push(p);
      }
    }
    if (run.length) buffers.push(Buffer.from(run.join(''), 'utf8'));
    const data = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
    this.out = [];
    this.outBytes = 0;
    await this.transportWrite(data);
  }

  private transportWrite(data: Buffer): Promise<void> {
    if (this.deflate) {
      const deflate = this.deflate;
      return new Promise((resolve) => {
        deflate.write(data);
        deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve());
      });
    }
    if (this.stream.destroyed) return Promise.resolve();
    if (this.stream.write(data)) return Promise.resolve();
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

  /** Write at once, outside the response queue (literal continuations). */
  private writeNow(text: string): void {
    void this.transportWrite(Buffer.from(text, 'latin1'));
  }

  continuation(text: string): Promise<Buffer | null> {
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
      this.framer.lineMode = true;
      void this.send(`+ ${text}\r\n`).then(() => this.flush());
    });
  }

  async idle(onWake: () => Promise<void>, subscribe: (wake: () => void) => () => void): Promise<'done' | 'bad' | 'closed'> {
    let waking: Promise<void> = Promise.resolve();
    let pending = false;
    const wake = () => {
      if (pending) return;
      pending = true;
      waking = waking.then(async () => {
        pending = false;
        await onWake();
        await this.flush();
      });
    };
    const unsubscribe = subscribe(wake);
    const keepalive = setInterval(() => {
      void this.send('* OK Still here\r\n').then(() => this.flush());
    }, IDLE_KEEPALIVE_MS);
    try {
      const line = await this.continuation('idling');
      if (line === null) return 'closed';
      await waking;
      return line.toString('latin1').trim().toUpperCase() === 'DONE' ? 'done' : 'bad';
    } finally {
      clearInterval(keepalive);
      unsubscribe();
    }
  }

  private startTls(): void {
    this.startedTls = true;
    // Whatever the client sent after STARTTLS in the clear is dropped (command injection).
    this.queue = [];
    this.framer = this.newFramer();
    this.stream.off('data', this.onDataBound);
    this.stream.removeAllListeners('timeout');
    const secure = upgradeToTls(this.stream, this.options.tls, () => (this.secureNow = true));
    this.stream = secure;
    this.attach(secure);
  }

  private startCompression(): void {
    const inflate = createInflateRaw();
    const deflate = createDeflateRaw({ level: 6 });
    inflate.on('data', (chunk: Buffer) => this.feed(chunk));
    inflate.on('error', () => this.destroy());
    deflate.on('data', (chunk: Buffer) => {
      if (!this.stream.destroyed) this.stream.write(chunk);
    });
    this.inflate = inflate;
    this.deflate = deflate;
  }

  private async timeout(): Promise<void> {
    await this.send('* BYE Disconnected for inactivity.\r\n');
    await this.flush();
    this.end();
  }

  /** Send BYE (server stopping) and close. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.send('* BYE Server shutting down.\r\n');
    await this.flush();
    this.end();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.deflate) this.deflate.end(() => this.stream.end());
    else this.stream.end();
    setTimeout(() => this.stream.destroy(), 2000).unref();
    this.finish();
  }

  destroy(): void {
    this.closed = true;
    this.stream.destroy();
    this.finish();
  }

  private onClosed(): void {
    this.closed = true;
    this.finish();
  }

  private finished = false;

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const waiter = this.lineWaiter;
    this.lineWaiter = null;
    if (waiter) waiter(null);
    this.inflate?.destroy();
    this.session.selected = null;
    this.log.debug('disconnect');
    this.options.onClose(this);
  }
}
