// Start-up reconciliation of the index against the Maildir files, which are the truth (as
// Dovecot treats its index): files nobody indexed are added with new UIDs, rows whose file is
// gone are dropped, and rows whose file moved (new/ → cur/) or changed flags are updated.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { sql, type Db } from '../directory/database.js';
import { flagsFromLetters, parseMessageFileName, sizeFromFileName } from './maildir.js';
import type { MailboxIndex, Mailbox, NewMessage } from './mailbox-index.js';

export interface ReconcileReport {
  mailboxes: number;
  indexed: number;
  dropped: number;
  updated: number;
}

interface Row {
  uid: number;
  filename: string;
  subdir: string;
  flags: number;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Reconcile one mailbox whose folder is at `folderPath`. */
export async function reconcileMailbox(db: Db, index: MailboxIndex, mailbox: Mailbox, folderPath: string, log: Logger): Promise<ReconcileReport> {
  const report: ReconcileReport = { mailboxes: 1, indexed: 0, dropped: 0, updated: 0 };
  const onDisk = new Map<string, { subdir: 'new' | 'cur'; letters: string; name: string }>();
  for (const subdir of ['new', 'cur'] as const) {
    for (const name of await listDir(join(folderPath, subdir))) {
      if (name.startsWith('.')) continue;
      const { base, letters } = parseMessageFileName(name);
      onDisk.set(base, { subdir, letters, name });
    }
  }
  const rows = sql(db, 'SELECT uid, filename, subdir, flags FROM messages WHERE mailbox_id = ?').all(mailbox.id) as Row[];
  const drop: number[] = [];
  const update: { uid: number; subdir: string; flags: number }[] = [];
  for (const row of rows) {
    const file = onDisk.get(row.filename);
    if (!file) {
      drop.push(row.uid);
      continue;
    }
    onDisk.delete(row.filename);
    // Flags from the file name win only when the file's own letters disagree with the index
    // (another program, such as Dovecot, changed them); keyword letters are not compared here.
    const diskFlags = file.subdir === 'cur' ? flagsFromLetters(file.letters) : 0;
    if (file.subdir !== row.subdir || (file.subdir === 'cur' && diskFlags !== row.flags)) {
      update.push({ uid: row.uid, subdir: file.subdir, flags: file.subdir === 'cur' ? diskFlags : row.flags });
    }
  }
  const orphans: NewMessage[] = [];
  for (const [base, file] of onDisk) {
    const path = join(folderPath, file.subdir, file.name);
    let size = sizeFromFileName(base);
    let mtime = Date.now();
    try {
      const st = await stat(path);
      mtime = st.mtimeMs;
      if (size === null || size !== st.size) size = st.size;
    } catch {
      continue; // vanished meanwhile
    }
    orphans.push({
      mailboxId: mailbox.id,
      filename: base,
      subdir: file.subdir,
      size,
      internalDate: Math.floor(mtime),
      flags: file.subdir === 'cur' ? flagsFromLetters(file.letters) : 0,
    });
  }
  orphans.sort((a, b) => a.internalDate - b.internalDate || a.filename.localeCompare(b.filename));
  if (drop.length || update.length) {
    db.transaction(() => {
      const del = sql(db, 'DELETE FROM messages WHERE mailbox_id = ? AND uid = ?');
      for (const uid of drop) del.run(mailbox.id, uid);
      const bump = sql(db, 'UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING highestmodseq');
      const upd = sql(db, 'UPDATE messages SET subdir = ?, flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?');
      for (const u of update) {
        const { highestmodseq } = bump.get(mailbox.id) as { highestmodseq: number };
        upd.run(u.subdir, u.flags, highestmodseq, mailbox.id, u.uid);
      }
      if (drop.length) bump.get(mailbox.id);
    })();
  }
  if (orphans.length) index.addMessages(orphans);
  report.indexed = orphans.length;
  report.dropped = drop.length;
  report.updated = update.length;
  if (orphans.length || drop.length || update.length) {
    log.warn({ mailbox: mailbox.name, mailboxId: mailbox.id, indexed: orphans.length, dropped: drop.length, updated: update.length }, 'index reconciled with Maildir');
  }
  return report;
}
