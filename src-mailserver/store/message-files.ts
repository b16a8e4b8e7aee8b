// Finding and reading message files. The index knows each file's name, but another program
// (Dovecot pointed at the same Maildir, a user's mail tool) may have renamed it to change flags
// or moved it from new/ to cur/; then the file is found again by its base name and the row is
// corrected. Reads are by byte range, for BODY[section]<partial> fetches.
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Db } from '../directory/database.js';
import { parseMessageFileName } from './maildir.js';
import { storedNameOf, type MessageRow } from './message-rows.js';

export function messagePath(folderPath: string, row: Pick<MessageRow, 'filename' | 'subdir' | 'letters' | 'flags'>): string {
  return join(folderPath, row.subdir, storedNameOf(row));
}

/** Look for a message's file by base name in new/ and cur/; null when it is gone. */
export async function locateMessageFile(folderPath: string, base: string): Promise<{ subdir: 'new' | 'cur'; letters: string | null } | null> {
  for (const subdir of ['cur', 'new'] as const) {
    let names: string[];
    try {
      names = await readdir(join(folderPath, subdir));
    } catch {
      continue;
    }
    for (const name of names) {
      const parsed = parseMessageFileName(name);
      if (parsed.base === base) return { subdir, letters: subdir === 'cur' ? parsed.letters : null };
    }
  }
  return null;
}

/**
 * Open a message file for reading, following a rename by another program (the row is updated).
 * Returns null when the file no longer exists.
 */
export async function openMessageFile(db: Db, mailboxId: number, folderPath: string, row: MessageRow): Promise<FileHandle | null> {
  try {
    return await open(messagePath(folderPath, row), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const found = await locateMessageFile(folderPath, row.filename);
  if (!found) return null;
  row.subdir = found.subdir;
  row.letters = found.letters;
  sql(db, 'UPDATE messages SET subdir = ?, letters = ? WHERE mailbox_id = ? AND uid = ?').run(found.subdir, found.letters, mailboxId, row.uid);
  try {
    return await open(messagePath(folderPath, row), 'r');
  } catch {
    return null;
  }
}

/** Read `length` bytes at `position` (fewer at the end of the file). */
export async function readRange(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(Math.max(0, length));
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}
