// Maildir++ layout and Dovecot-compatible names. An account's Maildir is DATA/mail/<domain>/<user>/
// with cur/ new/ tmp/ for INBOX and `.Folder` subdirectories (hierarchy `.A.B`) beside them.
// File names follow Dovecot: `<secs>.M<usecs>P<pid>Q<n>.<host>,S=<size>,W=<vsize>` in new/, plus
// `:2,<flags>` once in cur/ (flags sorted: D F P R S T; keywords a-z per dovecot-keywords).
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { encodeMutf7 } from '../mail/mutf7.js';

/** System flags as a bitmask, in the index and in memory. \Recent is session state, not stored. */
export const Flag = {
  Seen: 1,
  Answered: 2,
  Flagged: 4,
  Deleted: 8,
  Draft: 16,
} as const;

const LETTERS: [letter: string, bit: number][] = [
  ['D', Flag.Draft],
  ['F', Flag.Flagged],
  ['R', Flag.Answered],
  ['S', Flag.Seen],
  ['T', Flag.Deleted],
];

/** Maildir info letters for a flag mask (alphabetical, as the Maildir spec requires). */
export function flagLetters(flags: number): string {
  return LETTERS.filter(([, bit]) => flags & bit)
    .map(([l]) => l)
    .join('');
}

/** Flag mask from the letters after `:2,` (unknown letters and keywords ignored here). */
export function flagsFromLetters(letters: string): number {
  let mask = 0;
  for (const [l, bit] of LETTERS) if (letters.includes(l)) mask |= bit;
  return mask;
}

export function accountMaildir(dataDir: string, domain: string, localPart: string): string {
  return join(dataDir, 'mail', domain, localPart);
}

/**
 * Folder directory for a mailbox name, as Dovecot's Maildir++ layout names it: INBOX → '',
 * `Work/Projects` → `.Work.Projects`, names in modified UTF-7 (`Entwürfe` → `.Entw&APw-rfe`).
 */
export function folderDir(name: string): string {
  if (name.toUpperCase() === 'INBOX') return '';
  return '.' + name.split(MAILBOX_SEPARATOR).map(encodeMutf7).join('.');
}

/** The IMAP hierarchy separator of our one namespace. */
export const MAILBOX_SEPARATOR = '/';

/** Create cur/, new/ and tmp/ for one folder, plus Maildir++'s `maildirfolder` marker in a subfolder (idempotent). */
export async function createFolderDirs(maildir: string, dir: string): Promise<void> {
  const base = join(maildir, dir);
  await Promise.all(['cur', 'new', 'tmp'].map((sub) => mkdir(join(base, sub), { recursive: true, mode: 0o700 })));
  if (dir) await writeFile(join(base, 'maildirfolder'), '', { mode: 0o600 });
}

const HOST = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072').replace(/,/g, '\\054') || 'localhost';
let sequence = 0;

/** A unique Dovecot-style base file name for a new message of `size` bytes (CRLF stored, so W=S). */
export function newMessageFileName(size: number, now = Date.now()): string {
  sequence = (sequence + 1) % 1_000_000;
  const secs = Math.floor(now / 1000);
  const usecs = (now % 1000) * 1000 + (sequence % 1000);
  return `${secs}.M${usecs}P${process.pid}Q${sequence}.${HOST},S=${size},W=${size}`;
}

/** Split a stored file name into its base and its flag letters (`:2,` info). */
export function parseMessageFileName(name: string): { base: string; letters: string } {
  const info = name.indexOf(':2,');
  if (info < 0) return { base: name, letters: '' };
  return { base: name.slice(0, info), letters: name.slice(info + 3) };
}

/** The `S=` size in a Dovecot file name, when present. */
export function sizeFromFileName(base: string): number | null {
  const m = /,S=(\d+)/.exec(base);
  return m ? Number(m[1]) : null;
}

/** File name on disk for a message in `subdir`: new/ has no info part; cur/ carries the flags. */
export function storedFileName(base: string, subdir: 'new' | 'cur', flags: number, keywordLetters = ''): string {
  return subdir === 'new' ? base : `${base}:2,${flagLetters(flags)}${keywordLetters}`;
}

/** Keyword letters (a-z) of a `:2,` info part. */
export function keywordLettersOf(letters: string): string {
  return letters.replace(/[^a-z]/g, '');
}
