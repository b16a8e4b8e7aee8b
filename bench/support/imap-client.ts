// A lean IMAP client for load generation (RFC 9051 framing): one command at a time, responses
// framed on bytes (lines and {n} literals) without building strings unless the caller asks for
// the untagged lines, so a 100,000-line FETCH costs the client little. IDLE is supported for the
// idle-connection workload.
import { connect, type Socket } from 'node:net';

export interface ImapResponse {
  status: 'OK' | 'NO' | 'BAD';
  text: string;
  /** Number of untagged responses. */
  untagged: number;
  /** The untagged responses (literals inlined), only when asked for. */
  lines: string[];
  bytes: number;
}

interface Pending {
  tag: string;
  collect: boolean;
  untagged: number;
  lines: string[];
  bytes: number;
  onContinuation?: () => void;
  resolve: (r: ImapResponse) => void;
  reject: (e: Error) => void;
}

const CR = 0x0d;
const LF = 0x0a;

export class ImapClient {
  private rest: Buffer = Buffer.alloc(0);
  /** Bytes of a literal still to skip (or collect). */
  private literalLeft = 0;
  /** Parts of the logical response line being assembled (collect mode). */
  private parts: string[] = [];
  /** Inside a response line that had a literal. */
  private continuing = false;
  private pending: Pending | null = null;
  private greeting: ((line: string) => void) | null = null;
  private failure: Error | null = null;
  private tagCounter = 0;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      this.failure ??= err;
      this.pending?.reject(this.failure);
      this.pending = null;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static async connect(host: string, port: number): Promise<ImapClient> {
    const socket = connect({ host, port });
    const client = new ImapClient(socket);
    const greeting = await new Promise<string>((resolve, reject) => {
      client.greeting = resolve;
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before greeting')));
    });
    if (!greeting.startsWith('* OK')) throw new Error(`unexpected greeting: ${greeting}`);
    return client;
  }

  private onData(chunk: Buffer): void {
    const buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let pos = 0;
    const collect = this.pending?.collect ?? false;
    if (this.pending) this.pending.bytes += chunk.length;
    while (pos < buf.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, buf.length - pos);
        if (collect) this.parts.push(buf.toString('latin1', pos, pos + take));
        this.literalLeft -= take;
        pos += take;
        continue;
      }
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) break;
      const end = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
      // A line ending in {n} (or {n+}) is followed by n bytes of literal.
      let literal = -1;
      if (end > pos && buf[end - 1] === 0x7d) {
        const open = buf.lastIndexOf(0x7b, end - 1);
        if (open >= pos) {
          const n = Number(buf.toString('latin1', open + 1, end - 1).replace('+', ''));
          if (Number.isInteger(n)) literal = n;
        }
      }
      // An untagged response that is not being collected is only counted: no string is made.
      if (!collect && !this.continuing && literal < 0 && this.pending && buf[pos] === 0x2a && buf[pos + 1] === 0x20) {
        this.pending.untagged++;
        pos = nl + 1;
        continue;
      }
      // The first segment of a response says what it is; later ones matter only when collecting.
      if (collect || !this.continuing) this.parts.push(buf.toString('latin1', pos, end));
      pos = nl + 1;
      if (literal >= 0) {
        this.literalLeft = literal;
        this.continuing = true;
        continue;
      }
      this.continuing = false;
      this.onLine(this.parts.join(''));
      this.parts = [];
    }
    this.rest = pos < buf.length ? buf.subarray(pos) : Buffer.alloc(0);
  }

  private onLine(line: string): void {
    if (this.greeting) {
      const g = this.greeting;
      this.greeting = null;
      g(line);
      return;
    }
    const p = this.pending;
    if (!p) return; // unsolicited (e.g. during IDLE)
    if (line.startsWith('* ')) {
      p.untagged++;
      if (p.collect) p.lines.push(line);
      return;
    }
    if (line.startsWith('+')) {
      p.onContinuation?.();
      return;
    }
    if (line.startsWith(p.tag + ' ')) {
      const rest = line.slice(p.tag.length + 1);
      const status = rest.slice(0, rest.indexOf(' ') >>> 0) as ImapResponse['status'];
      this.pending = null;
      p.resolve({ status: status === 'OK' || status === 'NO' || status === 'BAD' ? status : 'BAD', text: rest, untagged: p.untagged, lines: p.lines, bytes: p.bytes });
    }
  }

  /** Send a command (without tag) and wait for its tagged response. */
  command(text: string, options: { collect?: boolean } = {}): Promise<ImapResponse> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('a command is already running'));
    const tag = `b${++this.tagCounter}`;
    return new Promise((resolve, reject) => {
      this.pending = { tag, collect: options.collect ?? false, untagged: 0, lines: [], bytes: 0, resolve, reject };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** Like command(), but a tagged NO or BAD is an error. */
  async ok(text: string, options: { collect?: boolean } = {}): Promise<ImapResponse> {
    const r = await this.command(text, options);
    if (r.status !== 'OK') throw new Error(`${text.split(' ')[0]} failed: ${r.text}`);
    return r;
  }

  /** Enter IDLE; resolves once the server says `+`. Call done() to leave it. */
  idle(): Promise<{ done: () => Promise<ImapResponse> }> {
    const tag = `b${++this.tagCounter}`;
    return new Promise((resolve, reject) => {
      let finished: Promise<ImapResponse> | null = null;
      this.pending = {
        tag,
        collect: false,
        untagged: 0,
        lines: [],
        bytes: 0,
        resolve: () => undefined,
        reject,
        onContinuation: () =>
          resolve({
            done: () => {
              finished ??= new Promise<ImapResponse>((res, rej) => {
                this.pending!.resolve = res;
                this.pending!.reject = rej;
                this.socket.write('DONE\r\n');
              });
              return finished;
            },
          }),
      };
      this.socket.write(`${tag} IDLE\r\n`);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  async logout(): Promise<void> {
    await this.command('LOGOUT').catch(() => undefined);
    this.socket.destroy();
  }
}
