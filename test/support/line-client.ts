// A raw line-protocol client for tests (IMAP, POP3): write exact bytes, read CRLF lines (and
// IMAP literals) with timeouts. Used where a test must see the precise responses a real client
// library would hide, and for feeding random input to a real server.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class LineClient {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  private tagCounter = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, options: { tls?: boolean; host?: string } = {}): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const host = options.host ?? '127.0.0.1';
      const socket = options.tls ? tlsConnect({ port, host, rejectUnauthorized: false }) : netConnect({ port, host });
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve(new LineClient(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  private async waitData(deadline: number): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    const ms = deadline - Date.now();
    if (ms <= 0) throw new Error(`timed out; buffered: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 500))}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** One line without its CRLF; an IMAP literal at the end of the line is read and appended raw. */
  async readLine(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let out = '';
    for (;;) {
      const lf = this.buffer.indexOf(10);
      if (lf < 0) {
        await this.waitData(deadline);
        continue;
      }
      const line = this.buffer.subarray(0, lf + 1).toString('latin1');
      this.buffer = this.buffer.subarray(lf + 1);
      const m = /~?\{(\d+)\}\r\n$/.exec(line);
      if (!m) return out + line.replace(/\r?\n$/, '');
      const n = Number(m[1]);
      while (this.buffer.length < n) await this.waitData(deadline);
      out += line + this.buffer.subarray(0, n).toString('latin1');
      this.buffer = this.buffer.subarray(n);
    }
  }

  /** Read lines until one matches `re`; returns every line read. */
  async readUntil(re: RegExp, timeoutMs = 5000): Promise<string[]> {
    const lines: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.readLine(Math.max(1, deadline - Date.now()));
      lines.push(line);
      if (re.test(line)) return lines;
    }
  }

  /** Send an IMAP command with a fresh tag; returns untagged lines and the tagged reply. */
  async command(text: string, timeoutMs = 10_000): Promise<{ lines: string[]; tagged: string }> {
    const tag = `t${++this.tagCounter}`;
    this.write(`${tag} ${text}\r\n`);
    const lines = await this.readUntil(new RegExp(`^${tag} (OK|NO|BAD)`), timeoutMs);
    return { lines: lines.slice(0, -1), tagged: lines[lines.length - 1]!.slice(tag.length + 1) };
  }

  /** Whether anything arrives within `ms` (for "no response expected" checks). */
  async quietFor(ms: number): Promise<boolean> {
    const before = this.buffer.length;
    await new Promise((r) => setTimeout(r, ms));
    return this.buffer.length === before;
  }

  close(): void {
    this.socket.destroy();
  }
}
