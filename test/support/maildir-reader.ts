// Reading a Maildir the way a test checks it: every message file in new/ and cur/ of a folder.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function listMessages(folderPath: string): Promise<{ name: string; path: string }[]> {
  const out: { name: string; path: string }[] = [];
  for (const sub of ['new', 'cur']) {
    let names: string[] = [];
    try {
      names = await readdir(join(folderPath, sub));
    } catch {
      continue;
    }
    for (const name of names) out.push({ name, path: join(folderPath, sub, name) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function readMessages(folderPath: string): Promise<string[]> {
  const files = await listMessages(folderPath);
  return Promise.all(files.map((f) => readFile(f.path, 'latin1')));
}
