// IMAP keywords (RFC 9051 §2.3.2) per mailbox, mirrored for Dovecot: each folder's
// `dovecot-keywords` file maps an index to a keyword name, and index n (0-25) is the letter
// a + n in the `:2,` part of a message's file name. Keywords past the 26th live only in the
// index. Names compare case-insensitively; the first spelling is kept.
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Db } from '../directory/database.js';

const LETTER_SLOTS = 26;
/** Most keywords one mailbox may define (Dovecot caps them too). */
export const MAX_KEYWORDS = 200;

export class KeywordTable {
  constructor(private readonly db: Db) {}

  /** Keyword names of a mailbox, in index order. */
  list(mailboxId: number): string[] {
    return (sql(this.db, 'SELECT name FROM mailbox_keywords WHERE mailbox_id = ? ORDER BY idx').all(mailboxId) as { name: string }[]).map((r) => r.name);
  }

  /** The stored spelling of each name, adding the missing ones; returns whether any was added. */
  ensure(mailboxId: number, names: string[]): { names: string[]; added: boolean } {
    const existing = this.list(mailboxId);
    const byLower = new Map(existing.map((n) => [n.toLowerCase(), n]));
    let added = false;
    const out: string[] = [];
    for (const name of names) {
      const have = byLower.get(name.toLowerCase());
      if (have) {
        out.push(have);
        continue;
      }
      if (byLower.size >= MAX_KEYWORDS) continue;
      sql(this.db, 'INSERT INTO mailbox_keywords (mailbox_id, idx, name) VALUES (?, ?, ?)').run(mailboxId, byLower.size, name);
      byLower.set(name.toLowerCase(), name);
      out.push(name);
      added = true;
    }
    return { names: out, added };
  }

  /** The file-name letters for a set of keyword names (those with an index below 26), sorted. */
  letters(mailboxId: number, names: string[]): string {
    if (names.length === 0) return '';
    const list = this.list(mailboxId).map((n) => n.toLowerCase());
    const letters: string[] = [];
    for (const name of names) {
      const idx = list.indexOf(name.toLowerCase());
      if (idx >= 0 && idx < LETTER_SLOTS) letters.push(String.fromCharCode(97 + idx));
    }
    return letters.sort().join('');
  }

  /** Keyword names for the letters of a file name. */
  fromLetters(mailboxId: number, letters: string): string[] {
    const list = this.list(mailboxId);
    const out: string[] = [];
    for (const ch of letters) {
      const idx = ch.charCodeAt(0) - 97;
      if (idx >= 0 && idx < LETTER_SLOTS && list[idx] !== undefined) out.push(list[idx]!);
    }
    return out;
  }

  /** Merge a folder's dovecot-keywords (written by Dovecot, say) into the table; names at taken indexes are appended. */
  importFile(mailboxId: number, text: string): void {
    const have = new Map(this.list(mailboxId).map((n, i) => [i, n]));
    const lower = new Set([...have.values()].map((n) => n.toLowerCase()));
    for (const line of text.split('\n')) {
      const m = /^(\d+) (\S+)$/.exec(line.trim());
      if (!m) continue;
      const idx = Number(m[1]);
      const name = m[2]!;
      if (lower.has(name.toLowerCase())) continue;
      if (!have.has(idx)) {
        sql(this.db, 'INSERT INTO mailbox_keywords (mailbox_id, idx, name) VALUES (?, ?, ?)').run(mailboxId, idx, name);
        have.set(idx, name);
        lower.add(name.toLowerCase());
      }
    }
  }

  /** Write the folder's dovecot-keywords file (temporary name, fsync, rename). */
  async writeFile(folderPath: string, mailboxId: number): Promise<void> {
    const rows = sql(this.db, 'SELECT idx, name FROM mailbox_keywords WHERE mailbox_id = ? AND idx < ? ORDER BY idx').all(mailboxId, LETTER_SLOTS) as {
      idx: number;
      name: string;
    }[];
    const text = rows.map((r) => `${r.idx} ${r.name}\n`).join('');
    const tmp = join(folderPath, `.dovecot-keywords.${process.pid}.tmp`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(folderPath, 'dovecot-keywords'));
  }
}

/** Keyword list as stored in the messages table (space separated). */
export function parseKeywordColumn(text: string): string[] {
  return text ? text.split(' ') : [];
}

export function keywordColumn(names: string[]): string {
  return names.join(' ');
}
