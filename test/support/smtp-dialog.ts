// A raw SMTP conversation for tests that need exact commands and replies (relay tricks, malformed
// input): connect, read the greeting, send a line, read the (possibly multi-line) reply.
import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string;
  lines: string[];
}

export class SmtpDialog {
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, host = '127.0.0.1'): Promise<{ dialog: SmtpDialog; greeting: SmtpReply }> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const dialog = new SmtpDialog(socket);
    return { dialog, greeting: await dialog.reply() };
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Read one complete reply (lines `NNN-...` then `NNN ...`). */
  async reply(timeoutMs = 10_000): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!) || /^\d{3}$/.test(lines[i]!)) {
          const replyLines = lines.slice(0, i + 1);
          this.buffer = lines.slice(i + 1).join('\r\n');
          return { code: Number(lines[i]!.slice(0, 3)), text: replyLines.map((l) => l.slice(4)).join('\n'), lines: replyLines };
        }
      }
      if (this.closed) throw new Error(`connection closed; pending: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`no reply; pending: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<SmtpReply> {
    this.socket.write(line + '\r\n');
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}
