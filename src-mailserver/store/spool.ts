// Incoming spool: a message being received is written to DATA/queue/incoming/<id>, then fsync'd.
// Local delivery hard-links that file into each recipient's Maildir (one write, many mailboxes);
// the outbound queue takes its own link. Whatever is left in incoming/ at start-up was never
// acknowledged to a client and is removed. The spool starts with the trace fields we add
// (Return-Path, Received); `headerBytes` says how long that prefix is. The bytes are parsed for
// the index (MIME structure, search fields) on their way to the file.
import { open, unlink, mkdir, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from '../common/ids.js';
import { MimeStructureParser } from '../mail/mime-structure.js';
import { metaFromStructure, type MessageMetaInput } from './message-meta.js';

export interface SpooledMessage {
  path: string;
  size: number;
  /** Length of the trace fields we prepended (Return-Path + Received), for forwarding. */
  headerBytes: number;
  /** MIME structure and search fields of exactly these bytes, parsed as they were written
   * (so delivery need not read the file back); absent when the parser gave up. */
  meta?: MessageMetaInput;
}

export function incomingDir(dataDir: string): string {
  return join(dataDir, 'queue', 'incoming');
}

export class SpoolWriter {
  private size = 0;
  private headerBytes = 0;
  private closed = false;
  private parser: MimeStructureParser | null = new MimeStructureParser();
  /** Header bytes not yet written (they go out with the first body chunk). */
  private pending: Buffer | null = null;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  static async create(dataDir: string): Promise<SpoolWriter> {
    const dir = incomingDir(dataDir);
    const path = join(dir, newId('s'));
    let fh: FileHandle;
    try {
      fh = await open(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      fh = await open(path, 'wx', 0o600);
    }
    return new SpoolWriter(path, fh);
  }

  /** The trace prefix; must come before any body bytes. Written with the first body chunk (one write). */
  writeHeader(text: string): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    this.pending = this.pending ? Buffer.concat([this.pending, buf]) : buf;
    this.headerBytes += buf.length;
    return Promise.resolve();
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.pending) {
      chunk = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    this.parse(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, offset, chunk.length - offset, this.size);
      offset += bytesWritten;
      this.size += bytesWritten;
    }
  }

  /** fsync and close: after this resolves the bytes are on disk. */
  async finish(): Promise<SpooledMessage> {
    if (this.pending) await this.write(Buffer.alloc(0));
    await this.fh.sync();
    await this.fh.close();
    this.closed = true;
    let meta: MessageMetaInput | undefined;
    try {
      if (this.parser) meta = metaFromStructure(this.parser.end());
    } catch {
      meta = undefined; // delivery parses the file instead
    }
    this.parser = null;
    return { path: this.path, size: this.size, headerBytes: this.headerBytes, ...(meta ? { meta } : {}) };
  }

  private parse(chunk: Buffer): void {
    if (!this.parser) return;
    try {
      this.parser.write(chunk);
    } catch {
      this.parser = null;
    }
  }

  /** Give up on this message: close and remove the file. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    await unlink(this.path).catch(() => undefined);
  }
}

/** Remove spool files (and staging scratch files) of transactions that never finished (called at start-up). */
export async function cleanIncoming(dataDir: string): Promise<number> {
  const dir = incomingDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return 0;
  }
  await Promise.all(names.map((n) => unlink(join(dir, n)).catch(() => undefined)));
  return names.length;
}
