// Changing DATA/config.json from the admin API: the patch is merged into what the file holds (not
// into the defaults, so the file keeps only what the user chose), validated with the same schema
// as at start, and written atomically (temp file, fsync, rename, fsync the directory).
import { existsSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../common/errors.js';
import { ConfigSchema, configPath, type Config } from './config.js';

export type ConfigPatch = Record<string, unknown>;

/** Merge `patch` into DATA/config.json; `undefined` leaves a field alone, `null` is a value. */
export async function saveConfigPatch(dataDir: string, patch: ConfigPatch): Promise<Config> {
  const file = configPath(dataDir);
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const merged = merge(current, patch) as Record<string, unknown>;
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`invalid setting ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  await writeFileAtomic(file, JSON.stringify(merged, null, 2) + '\n', 0o600);
  return parsed.data;
}

export async function writeFileAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function merge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = merge(base[k], v);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
