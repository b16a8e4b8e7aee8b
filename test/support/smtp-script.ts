// A scripted SMTP client over a raw socket, for conversations exactly as a given mail client
// writes them (lower-case commands, pipelined MAIL/RCPT, AUTH without an initial response,
// STARTTLS mid-session). Replies are read whole (multi-line replies joined).
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface SmtpReply {
  code: number;
  lines: string[];
  text: string;
}

export class SmtpScript {
  private buffer = '';
  private waiting: (() => void) | null = null;
  private closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, options: { tls?: boolean; host?: string } = {}): Promise<SmtpScript> {
    const host = options.host ?? '127.0.0.1';
    const socket = options.tls ? tlsConnect({ host, port, rejectUnauthorized: false }) : netConnect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new SmtpScript(socket);
  }

  /** Read one complete reply. */
  async reply(timeoutMs = 10_000): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines: string[] = [];
      let rest = this.buffer;
      let done = false;
      while (rest.includes('\r\n')) {
        const i = rest.indexOf('\r\n');
        const line = rest.slice(0, i);
        rest = rest.slice(i + 2);
        lines.push(line);
        if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
          done = true;
          break;
        }
      }
      if (done) {
        this.buffer = rest;
        return { code: Number(lines[lines.length - 1]!.slice(0, 3)), lines, text: lines.map((l) => l.slice(4)).join('\n') };
      }
      if (this.closed) throw new Error(`connection closed; pending: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`no reply in time; pending: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = null;
    }
  }

  /** Send text (as UTF-8) or raw bytes. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Send one line and read its reply. */
  async command(line: string): Promise<SmtpReply> {
    this.write(line + '\r\n');
    return this.reply();
  }

  async starttls(): Promise<void> {
    const r = await this.command('STARTTLS');
    if (r.code !== 220) throw new Error(`STARTTLS refused: ${r.code} ${r.text}`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffer = '';
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
