// Size-rotated JSON-lines log file: DATA/logs/mailserver.log, then .1 ... .N (oldest dropped).
// Lines are batched and written once per event-loop turn (one write to the page cache, never a
// wait on the disk per line); the file is renamed and reopened when it passes the size limit.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFileOptions {
  file: string;
  maxBytes?: number;
  keep?: number;
}

export class RotatingFile {
  private fd: number | null;
  private bytes: number;
  private pending: string[] = [];
  private scheduled = false;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(readonly options: RotatingFileOptions) {
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    this.bytes = existsSync(options.file) ? statSync(options.file).size : 0;
    this.fd = openSync(options.file, 'a', 0o600);
  }

  write(line: string): void {
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write everything queued now (also used at exit). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.fd === null) return;
    const lines = this.pending;
    this.pending = [];
    let chunk = '';
    for (const line of lines) {
      chunk += line;
      this.bytes += Buffer.byteLength(line);
      if (this.bytes >= this.maxBytes) {
        this.append(chunk);
        chunk = '';
        this.rotate();
      }
    }
    if (chunk) this.append(chunk);
  }

  private append(text: string): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, text);
    } catch {
      /* a full disk must not take the server down; stdout still has the record */
    }
  }

  private rotate(): void {
    const { file } = this.options;
    try {
      if (this.fd !== null) closeSync(this.fd);
      if (existsSync(`${file}.${this.keep}`)) unlinkSync(`${file}.${this.keep}`);
      for (let i = this.keep - 1; i >= 1; i--) {
        if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      }
      renameSync(file, `${file}.1`);
      this.fd = openSync(file, 'a', 0o600);
    } catch {
      this.fd = null;
    }
    this.bytes = 0;
  }

  end(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
