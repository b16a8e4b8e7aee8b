// The queue's files, Postfix-style: DATA/queue/msg/<id> is the message (a hard link of the fsync'd
// incoming spool file, so taking a message costs no copy) and DATA/queue/env/<id>.json its
// envelope, written once and fsync'd. The SQLite rows are the working state; the files are what
// a row can be rebuilt from if a power cut loses the last commits (see recover in outbound-queue).
// Order on the way in: link + envelope, fsync both directories, then the row. On the way out: the
// envelope goes first (directory fsync'd), then the row, then the message file.
import { link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DirSyncer } from '../store/dir-sync.js';
import type { NewMessage, NewRecipient } from './queue-store.js';

export interface EnvelopeFile {
  version: 1;
  message: NewMessage;
  recipients: NewRecipient[];
}

export class QueueFiles {
  readonly msgDir: string;
  readonly envDir: string;

  constructor(
    readonly dataDir: string,
    private readonly dirSync: DirSyncer,
  ) {
    this.msgDir = join(dataDir, 'queue', 'msg');
    this.envDir = join(dataDir, 'queue', 'env');
  }

  messagePath(id: string): string {
    return join(this.msgDir, id);
  }

  envelopePath(id: string): string {
    return join(this.envDir, `${id}.json`);
  }

  async ensureDirs(): Promise<void> {
    await mkdir(this.msgDir, { recursive: true, mode: 0o700 });
    await mkdir(this.envDir, { recursive: true, mode: 0o700 });
  }

  /** Link `source` in as the message file and write the envelope; durable when this resolves. */
  async add(id: string, source: string, envelope: EnvelopeFile): Promise<void> {
    const target = this.messagePath(id);
    try {
      await link(source, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await this.ensureDirs();
      await link(source, target);
    }
    try {
      const fh = await open(this.envelopePath(id), 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(envelope));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await Promise.all([this.dirSync.sync(this.msgDir), this.dirSync.sync(this.envDir)]);
    } catch (err) {
      await unlink(this.envelopePath(id)).catch(() => undefined);
      await unlink(target).catch(() => undefined);
      throw err;
    }
  }

  /** Remove the envelope durably (so the entry cannot come back), before its row goes. */
  async removeEnvelope(id: string): Promise<void> {
    try {
      await unlink(this.envelopePath(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return;
    }
    await this.dirSync.sync(this.envDir);
  }

  async removeMessage(id: string): Promise<void> {
    await unlink(this.messagePath(id)).catch(() => undefined);
  }

  async readEnvelope(id: string): Promise<EnvelopeFile | null> {
    try {
      const parsed = JSON.parse(await readFile(this.envelopePath(id), 'utf8')) as EnvelopeFile;
      if (parsed?.version !== 1 || !parsed.message || !Array.isArray(parsed.recipients)) return null;
      return parsed;
    } catch {
      return null;
    }
  }

  /** Ids that have a message file, and ids that have an envelope file. */
  async listIds(): Promise<{ messages: Set<string>; envelopes: Set<string> }> {
    const names = async (dir: string) => {
      try {
        return await readdir(dir);
      } catch {
        return [];
      }
    };
    const messages = new Set((await names(this.msgDir)).filter((n) => !n.includes('.')));
    const envelopes = new Set((await names(this.envDir)).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)));
    return { messages, envelopes };
  }
}
