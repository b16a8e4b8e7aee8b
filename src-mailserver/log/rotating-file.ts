// Size-rotated JSON-lines log file: DATA/logs/mailserver.log, then .1 ... .N (oldest dropped).
// Writes are buffered and asynchronous (sonic-boom); rotation renames and reopens.
import { renameSync, statSync, unlinkSync, existsSync } from 'node:fs';
import sonicBoom from 'sonic-boom';

const { SonicBoom } = sonicBoom;

export interface RotatingFileOptions {
  file: string;
  maxBytes?: number;
  keep?: number;
}

export class RotatingFile {
  private readonly boom: InstanceType<typeof SonicBoom>;
  private bytes: number;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(readonly options: RotatingFileOptions) {
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.bytes = existsSync(options.file) ? statSync(options.file).size : 0;
    this.boom = new SonicBoom({ dest: options.file, mkdir: true, sync: false, minLength: 4096 });
    this.boom.on('error', () => {
      /* a full disk must not take the server down; stdout still has the record */
    });
  }

  write(line: string): void {
    this.boom.write(line);
    this.bytes += Buffer.byteLength(line);
    if (this.bytes >= this.maxBytes) this.rotate();
  }

  private rotate(): void {
    const { file } = this.options;
    try {
      this.boom.flushSync();
    } catch {
      /* still writing: the rename below keeps what is queued in the old file */
    }
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${file}.${i}`;
      if (existsSync(from)) renameSync(from, `${file}.${i + 1}`);
    }
    if (existsSync(`${file}.${this.keep}`)) unlinkSync(`${file}.${this.keep}`);
    if (existsSync(file)) renameSync(file, `${file}.1`);
    this.boom.reopen();
    this.bytes = 0;
  }

  flush(): void {
    try {
      this.boom.flushSync();
    } catch {
      /* nothing more can be done at exit */
    }
  }

  end(): void {
    this.flush();
    this.boom.end();
  }
}
