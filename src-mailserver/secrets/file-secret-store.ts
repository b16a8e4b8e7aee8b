// Secrets in DATA/secrets.json, mode 0600 in the 0700 data directory: the headless fallback when
// there is no OS keychain. Each change rewrites the whole file (temporary file, fsync, rename,
// directory fsync), so a crash leaves either the old or the new file. Changes from this process
// are serialised; the file is re-read on every get, so another process's change (the CLI) is seen.
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../store/dir-sync.js';
import { checkSecretKey, type SecretStore } from './secret-store.js';

export function secretsFilePath(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

export class FileSecretStore implements SecretStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    readonly file = secretsFilePath(dataDir),
  ) {}

  async get(key: string): Promise<string | null> {
    checkSecretKey(key);
    const all = await this.readAll();
    return Object.hasOwn(all, key) ? all[key]! : null;
  }

  async set(key: string, value: string): Promise<void> {
    checkSecretKey(key);
    if (typeof value !== 'string') throw new Error('a secret is a string');
    await this.change((all) => {
      all[key] = value;
    });
  }

  async delete(key: string): Promise<void> {
    checkSecretKey(key);
    await this.change((all) => {
      delete all[key];
    });
  }

  private async readAll(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${this.file} is not a JSON object`);
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  }

  private change(mutate: (all: Record<string, string>) => void): Promise<void> {
    const next = this.chain.then(async () => {
      const all = await this.readAll();
      mutate(all);
      const tmp = `${this.file}.${process.pid}.tmp`;
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(all, null, 2) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await chmod(tmp, 0o600);
        await rename(tmp, this.file);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      await fsyncDir(this.dataDir);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
