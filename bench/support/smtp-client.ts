// A lean SMTP client for load generation (RFC 5321, RFC 2920 PIPELINING, RFC 4954 AUTH PLAIN):
// one connection reused for many messages, MAIL/RCPT/DATA sent as one pipelined group, the
// message body written as prepared bytes (CRLF, already dot-safe). Kept small so the client is
// not what limits the measured server.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface SmtpReply {
  code: number;
  text: string;
}

export class SmtpClient {
  private buffer = '';
  private readonly replies: SmtpReply[] = [];
  private readonly waiters: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void }[] = [];
  private lines: string[] = [];
  private failure: Error | null = null;

  private constructor(private socket: Socket) {
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk.toString('latin1')));
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const w of this.waiters.splice(0)) w.reject(this.failure);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /** STARTTLS (RFC 3207), then EHLO again; the bench's servers have self-signed certificates. */
  async startTls(ehloName = 'client.bench.test'): Promise<void> {
    this.write('STARTTLS\r\n');
    await this.expect(220);
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    this.write(`EHLO ${ehloName}\r\n`);
    await this.expect(250);
  }

  static async connect(host: string, port: number, ehloName = 'client.bench.test'): Promise<SmtpClient> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new SmtpClient(socket);
    await client.expect(220);
    client.write(`EHLO ${ehloName}\r\n`);
    await client.expect(250);
    return client;
  }

  private onData(text: string): void {
    this.buffer += text;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.lines.push(line);
      if (line.length < 4 || line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
        this.lines = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    }
  }

  reply(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async expect(code: number): Promise<SmtpReply> {
    const r = await this.reply();
    if (r.code !== code) throw new Error(`expected ${code}, got: ${r.text}`);
    return r;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  async authPlain(user: string, pass: string): Promise<void> {
    this.write(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}\r\n`);
    await this.expect(235);
  }

  /** Send one message; `data` is CRLF text with no line starting with a dot. Resolves on 250. */
  async send(from: string, to: string[], data: Buffer): Promise<void> {
    this.write(`MAIL FROM:<${from}>\r\n${to.map((r) => `RCPT TO:<${r}>\r\n`).join('')}DATA\r\n`);
    const mail = await this.reply();
    const rcpts: SmtpReply[] = [];
    for (let i = 0; i < to.length; i++) rcpts.push(await this.reply());
    const data354 = await this.reply();
    if (mail.code !== 250 || rcpts.some((r) => r.code !== 250) || data354.code !== 354) {
      if (data354.code === 354) {
        this.write('.\r\n');
        await this.reply();
      }
      throw new Error(`message refused: ${[mail, ...rcpts, data354].map((r) => r.text).join(' | ')}`);
    }
    this.write(data);
    this.write(data[data.length - 1] === 0x0a ? '.\r\n' : '\r\n.\r\n');
    await this.expect(250);
  }

  async quit(): Promise<void> {
    this.write('QUIT\r\n');
    await this.reply().catch(() => undefined);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
