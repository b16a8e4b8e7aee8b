// Start-up reconciliation of the index against the Maildir files, which are the truth (as
// Dovecot treats its index): files nobody indexed are added with new UIDs, rows whose file is
// gone are dropped (with an expunge tombstone, so QRESYNC clients hear of it), and rows whose
// file moved (new/ → cur/) or whose `:2,` letters changed (flags or keywords set by another
// program, or a rename that happened just before a crash) take the state the name says. The
// folder's dovecot-keywords, if another program added to it, is merged first.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from '../directory/database.js';
import { removeRows } from './expunge.js';
import { keywordColumn, parseKeywordColumn } from './keywords.js';
import { flagLetters, flagsFromLetters, keywordLettersOf, parseMessageFileName, sizeFromFileName } from './maildir.js';
import type { Mailbox, NewMessage } from './mailbox-index.js';
import type { StoreContext } from './store-context.js';

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
  keywords: string;
  letters: string | null;
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
export async function reconcileMailbox(ctx: StoreContext, mailbox: Mailbox, folderPath: string): Promise<ReconcileReport> {
  const { db, index, log } = ctx;
  const report: ReconcileReport = { mailboxes: 1, indexed: 0, dropped: 0, updated: 0 };
  const keywordFile = await readFile(join(folderPath, 'dovecot-keywords'), 'utf8').catch(() => null);
  if (keywordFile !== null) ctx.keywords.importFile(mailbox.id, keywordFile);
  const onDisk = new Map<string, { subdir: 'new' | 'cur'; letters: string; name: string }>();
  for (const subdir of ['new', 'cur'] as const) {
    for (const name of await listDir(join(folderPath, subdir))) {
      if (name.startsWith('.')) continue;
      const { base, letters } = parseMessageFileName(name);
      onDisk.set(base, { subdir, letters, name });
    }
  }
  const rows = sql(db, 'SELECT uid, filename, subdir, flags, keywords, letters FROM messages WHERE mailbox_id = ?').all(mailbox.id) as Row[];
  const drop: number[] = [];
  const update: { uid: number; subdir: string; flags: number; keywords: string; letters: string | null }[] = [];
  const keywordList = ctx.keywords.list(mailbox.id);
  for (const row of rows) {
    const file = onDisk.get(row.filename);
    if (!file) {
      drop.push(row.uid);
      continue;
    }
    onDisk.delete(row.filename);
    if (file.subdir === 'new') {
      if (row.subdir !== 'new') update.push({ uid: row.uid, subdir: 'new', flags: row.flags, keywords: row.keywords, letters: null });
      continue;
    }
    const rowLetters = row.subdir === 'cur' ? (row.letters ?? flagLetters(row.flags)) : null;
    if (row.subdir === 'cur' && rowLetters === file.letters) continue;
    // Keywords without a letter (index 26 and up) live only in the row: keep them.
    const unlettered = parseKeywordColumn(row.keywords).filter((k) => {
      const i = keywordList.findIndex((n) => n.toLowerCase() === k.toLowerCase());
      return i < 0 || i >= 26;
    });
    const keywords = [...ctx.keywords.fromLetters(mailbox.id, keywordLettersOf(file.letters)), ...unlettered];
    update.push({ uid: row.uid, subdir: 'cur', flags: flagsFromLetters(file.letters), keywords: keywordColumn(keywords), letters: file.letters });
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
    const cur = file.subdir === 'cur';
    orphans.push({
      mailboxId: mailbox.id,
      filename: base,
      subdir: file.subdir,
      size,
      internalDate: Math.floor(mtime),
      flags: cur ? flagsFromLetters(file.letters) : 0,
      keywords: cur ? keywordColumn(ctx.keywords.fromLetters(mailbox.id, keywordLettersOf(file.letters))) : '',
      letters: cur ? file.letters : null,
    });
  }
  orphans.sort((a, b) => a.internalDate - b.internalDate || a.filename.localeCompare(b.filename));
  if (drop.length || update.length) {
    index.reserve(mailbox.id, 0, update.length + 1);
    db.transaction(() => {
      if (drop.length) removeRows(db, index, mailbox.id, drop);
      const upd = sql(db, 'UPDATE messages SET subdir = ?, flags = ?, keywords = ?, letters = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?');
      for (const u of update) upd.run(u.subdir, u.flags, u.keywords, u.letters, index.takeModseqs(mailbox.id, 1), mailbox.id, u.uid);
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
