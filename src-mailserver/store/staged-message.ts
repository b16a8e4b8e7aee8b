// A message being received whose added header fields are known only once it has ended (the
// verdicts of the trust checks): the first bytes are held in memory, the rest goes to a
// scratch file in DATA/queue/incoming (removed at start-up like any unfinished spool file).
// `commit(prefix)` then writes prefix + message into a new spool file and fsyncs it, so a small
// message costs one write and one fsync, and a 30 MB one one extra sequential copy. It may be
// called more than once (recipients whose added fields differ get their own file).
import { createReadStream } from 'node:fs';
import { open, unlink, mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from '../common/ids.js';
import { removeHeaderFields, type FieldPredicate } from '../mail/header-filter.js';
import { incomingDir, SpoolWriter, type SpooledMessage } from './spool.js';

export const DEFAULT_MEMORY_LIMIT = 256 * 1024;

export class StagedMessage {
  private readonly memory: Buffer[] = [];
  private memoryBytes = 0;
  private spill: { path: string; fh: FileHandle; size: number } | null = null;
  private discarded = false;

  private constructor(
    private readonly dataDir: string,
    private readonly memoryLimit: number,
  ) {}

  static create(dataDir: string, memoryLimit = DEFAULT_MEMORY_LIMIT): StagedMessage {
    return new StagedMessage(dataDir, memoryLimit);
  }

  get size(): number {
    return this.memoryBytes + (this.spill?.size ?? 0);
  }

  /** The first bytes of the message (up to the memory limit). */
  head(): Buffer {
    if (this.memory.length > 1) this.memory.splice(0, this.memory.length, Buffer.concat(this.memory));
    return this.memory[0] ?? Buffer.alloc(0);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.discarded) return;
    const room = this.memoryLimit - this.memoryBytes;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.memory.push(Buffer.from(part));
      this.memoryBytes += part.length;
      if (part.length === chunk.length) return;
      chunk = chunk.subarray(part.length);
    }
    if (!this.spill) {
      const dir = incomingDir(this.dataDir);
      const path = join(dir, `${newId('s')}.part`);
      let fh: FileHandle;
      try {
        fh = await open(path, 'wx', 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await mkdir(dir, { recursive: true, mode: 0o700 });
        fh = await open(path, 'wx', 0o600);
      }
      this.spill = { path, fh, size: 0 };
    }
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.spill.fh.write(chunk, offset, chunk.length - offset, this.spill.size);
      offset += bytesWritten;
      this.spill.size += bytesWritten;
    }
  }

  /**
   * Write `prefix` and then the message into a new fsync'd spool file, leaving out the header
   * fields `dropField` selects (only when the header ends within the bytes held in memory).
   */
  async commit(prefix: string, dropField?: FieldPredicate): Promise<SpooledMessage> {
    if (this.discarded) throw new Error('staged message was discarded');
    const writer = await SpoolWriter.create(this.dataDir);
    try {
      await writer.writeHeader(prefix);
      let head = this.head();
      if (dropField) head = removeHeaderFields(head, dropField)?.data ?? head;
      await writer.write(head);
      if (this.spill) {
        for await (const chunk of createReadStream(this.spill.path, { highWaterMark: 1024 * 1024, end: this.spill.size - 1 }) as AsyncIterable<Buffer>) {
          await writer.write(chunk);
        }
      }
      return await writer.finish();
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }

  /** Release memory and remove the scratch file (idempotent). */
  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    this.memory.length = 0;
    const spill = this.spill;
    this.spill = null;
    if (spill) {
      await spill.fh.close().catch(() => undefined);
      await unlink(spill.path).catch(() => undefined);
    }
  }
}
