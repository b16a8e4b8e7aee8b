// Evaluating SEARCH keys (RFC 9051 §6.4.4) over the selected mailbox. Each message is tested in
// UID order with only the data the keys need: index columns (flags, sizes, dates, UIDs, MODSEQ),
// the cached search fields (From, To, Cc, Bcc, Subject, sent date), the header block (other
// HEADER keys) or the decoded body (BODY, TEXT). Matching is case-insensitive substring.
import type { FileHandle } from 'node:fs/promises';
import { forEachLimited } from '../../../common/concurrency.js';
import { sql } from '../../../directory/database.js';
import type { Account } from '../../../directory/accounts.js';
import { bodyText, headerText, headerValues } from '../../../mail/body-text.js';
import type { MimePart } from '../../../mail/mime-structure.js';
import { Flag } from '../../../store/maildir.js';
import type { Mailbox } from '../../../store/mailbox-index.js';
import { parseKeywordColumn } from '../../../store/keywords.js';
import { readRange } from '../../../store/message-files.js';
import { rowByUid, type IndexColumns, type MessageRow } from '../../../store/message-rows.js';
import type { MessageStore } from '../../../store/message-store.js';
import type { SearchDate, SearchKey } from '../../protocol/command-types.js';
import { setContains } from '../../protocol/reader.js';
import type { SelectedMailbox } from '../selected-mailbox.js';

/** Header fields whose decoded values are cached per message (store/message-meta.ts). */
const CACHED_FIELDS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'message-id']);

interface Needs {
  meta: boolean;
  header: boolean;
  body: boolean;
}

function needsOf(key: SearchKey, n: Needs = { meta: false, header: false, body: false }): Needs {
  switch (key.type) {
    case 'header':
      if (CACHED_FIELDS.has(key.field)) n.meta = true;
      else {
        n.meta = true;
        n.header = true;
      }
      break;
    case 'date':
      if (key.sent) n.meta = true;
      break;
    case 'body':
      n.meta = n.body = true;
      break;
    case 'text':
      n.meta = n.header = n.body = true;
      break;
    case 'not':
      needsOf(key.key, n);
      break;
    case 'or':
      needsOf(key.a, n);
      needsOf(key.b, n);
      break;
    case 'and':
      for (const k of key.keys) needsOf(k, n);
      break;
  }
  return n;
}

interface SearchRow extends IndexColumns {
  id: number;
  has_meta: number | null;
  sent_date: number | null;
  h_from: string | null;
  h_to: string | null;
  h_cc: string | null;
  h_bcc: string | null;
  h_subject: string | null;
  h_message_id: string | null;
}

interface Candidate {
  row: SearchRow;
  seq: number;
  structure: MimePart | null;
  /** The whole message, for BODY / TEXT (decoded lazily). */
  raw?: Buffer;
  header: string | null;
  body: string | null;
}

function dayNumber(d: SearchDate): number {
  return Date.UTC(d.y, d.m, d.d) / 86_400_000;
}

function dayOf(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

function compareDay(ms: number | null, op: 'before' | 'on' | 'since', date: SearchDate): boolean {
  if (ms === null) return false;
  const a = dayOf(ms);
  const b = dayNumber(date);
  return op === 'before' ? a < b : op === 'on' ? a === b : a >= b;
}

function cachedField(r: SearchRow, field: string): string | undefined {
  switch (field) {
    case 'from':
      return r.h_from ?? '';
    case 'to':
      return r.h_to ?? '';
    case 'cc':
      return r.h_cc ?? '';
    case 'bcc':
      return r.h_bcc ?? '';
    case 'subject':
      return r.h_subject ?? '';
    case 'message-id':
      return (r.h_message_id ?? '').toLowerCase();
    default:
      return undefined;
  }
}

/** Text parts whose raw bytes show their text as is (no transfer encoding, an ASCII-compatible charset). */
function plainTextParts(part: MimePart): boolean {
  if (part.parts) return part.parts.every(plainTextParts);
  if (part.message) return plainTextParts(part.message);
  if (part.type !== 'text') return true;
  const charset = (part.params.find(([k]) => k === 'charset')?.[1] ?? 'us-ascii').toLowerCase();
  const encoded = part.encoding === 'base64' || part.encoding === 'quoted-printable';
  return !encoded && ['us-ascii', 'utf-8', 'utf8', 'iso-8859-1', 'iso-8859-15', 'windows-1252'].includes(charset);
}

/** BODY matching: decoded text only when the raw bytes could contain an ASCII needle at all. */
function bodyContains(c: Candidate, needle: string): boolean {
  if (!c.raw || !c.structure) return false;
  if (c.body === null) {
    if (/^[\x20-\x7e]*$/.test(needle) && plainTextParts(c.structure)) {
      const raw = c.raw.subarray(c.structure.bodyStart).toString('latin1').toLowerCase();
      if (!raw.includes(needle)) return false;
    }
    c.body = bodyText(c.raw, c.structure).normalize('NFC').toLowerCase();
  }
  return c.body.includes(needle);
}

export interface SearchContext {
  view: SelectedMailbox;
  now: number;
}

function matches(key: SearchKey, c: Candidate, ctx: SearchContext): boolean {
  const r = c.row;
  switch (key.type) {
    case 'all':
      return true;
    case 'flag':
      return Boolean(r.flags & key.flag) === key.set;
    case 'keyword': {
      const has = parseKeywordColumn(r.keywords).some((k) => k.toLowerCase() === key.keyword.toLowerCase());
      return has === key.set;
    }
    case 'new':
      return ctx.view.isRecent(r.uid) && !(r.flags & Flag.Seen);
    case 'old':
      return !ctx.view.isRecent(r.uid);
    case 'recent':
      return ctx.view.isRecent(r.uid);
    case 'header': {
      const needle = key.value.normalize('NFC').toLowerCase();
      const cached = cachedField(r, key.field);
      if (cached !== undefined) return cached.includes(needle);
      if (c.header === null) return false;
      const values = headerValues(Buffer.from(c.header, 'utf8'), key.field);
      return values.some((v) => v.toLowerCase().includes(needle));
    }
    case 'body':
      return bodyContains(c, key.value.normalize('NFC').toLowerCase());
    case 'text': {
      const needle = key.value.normalize('NFC').toLowerCase();
      return bodyContains(c, needle) || headerText(Buffer.from(c.header ?? '', 'utf8')).toLowerCase().includes(needle);
    }
    case 'date':
      return compareDay(key.sent ? r.sent_date : r.internaldate, key.op, key.date);
    case 'within':
      return key.older ? r.internaldate <= ctx.now - key.seconds * 1000 : r.internaldate >= ctx.now - key.seconds * 1000;
    case 'size':
      return key.larger ? r.size > key.size : r.size < key.size;
    case 'uid':
      if (key.set.kind === 'saved') return ctx.view.saved.includes(r.uid);
      return setContains(key.set, r.uid, ctx.view.lastUid);
    case 'seq':
      if (key.set.kind === 'saved') return ctx.view.saved.includes(r.uid);
      return setContains(key.set, c.seq, ctx.view.exists);
    case 'not':
      return !matches(key.key, c, ctx);
    case 'or':
      return matches(key.a, c, ctx) || matches(key.b, c, ctx);
    case 'and':
      return key.keys.every((k) => matches(k, c, ctx));
    case 'modseq':
      return r.modseq >= key.modseq;
  }
}

/**
 * SQL conditions equivalent to the top-level AND terms that need only index or cached columns,
 * so SQLite narrows the candidates before any row reaches JavaScript (the full key is still
 * evaluated on what remains).
 */
function prefilter(key: SearchKey, meta: boolean): { where: string; params: unknown[] } {
  const terms = key.type === 'and' ? key.keys : [key];
  const where: string[] = [];
  const params: unknown[] = [];
  for (const k of terms) {
    if (k.type === 'flag') where.push(`(m.flags & ${k.flag}) ${k.set ? '!=' : '='} 0`);
    else if (k.type === 'size') {
      where.push(`m.size ${k.larger ? '>' : '<'} ?`);
      params.push(k.size);
    } else if (k.type === 'modseq') {
      where.push('m.modseq >= ?');
      params.push(k.modseq);
    } else if (k.type === 'header' && meta && CACHED_FIELDS.has(k.field)) {
      const column = { from: 'mm.h_from', to: 'mm.h_to', cc: 'mm.h_cc', bcc: 'mm.h_bcc', subject: 'mm.h_subject', 'message-id': 'lower(mm.h_message_id)' }[k.field]!;
      // Rows without a cached meta row are kept: they are computed and tested in JavaScript.
      where.push(`(mm.message_id IS NULL OR instr(${column}, ?) > 0)`);
      params.push(k.value.normalize('NFC').toLowerCase());
    }
  }
  return { where: where.length ? ' AND ' + where.join(' AND ') : '', params };
}

export interface SearchResult {
  uids: number[];
  seqs: number[];
  highestModseq: number;
}

export async function searchMessages(store: MessageStore, account: Account, view: SelectedMailbox, key: SearchKey): Promise<SearchResult> {
  const needs = needsOf(key);
  const mailbox: Mailbox = view.mailbox;
  const columns = 'm.id, m.uid, m.modseq, m.flags, m.keywords, m.internaldate, m.size';
  const query = needs.meta
    ? `SELECT ${columns}, mm.message_id AS has_meta, mm.sent_date, mm.h_from, mm.h_to, mm.h_cc, mm.h_bcc, mm.h_subject, mm.h_message_id
       FROM messages m LEFT JOIN message_meta mm ON mm.message_id = m.id WHERE m.mailbox_id = ? AND m.uid <= ? ORDER BY m.uid`
    : `SELECT ${columns} FROM messages m WHERE m.mailbox_id = ? AND m.uid <= ? ORDER BY m.uid`;
  const pre = prefilter(key, needs.meta);
  const rows = sql(store.db, query.replace('ORDER BY m.uid', `${pre.where} ORDER BY m.uid`)).all(mailbox.id, view.lastUid, ...pre.params) as SearchRow[];
  const ctx: SearchContext = { view, now: Date.now() };
  const out: SearchResult = { uids: [], seqs: [], highestModseq: 0 };
  const candidates: Candidate[] = [];
  for (const row of rows) {
    const seq = view.seqOf(row.uid);
    if (seq > 0) candidates.push({ row, seq, structure: null, header: null, body: null });
  }
  // Message contents are read a window at a time, several files at once, and dropped after.
  const window = needs.header || needs.body ? 64 : candidates.length;
  for (let start = 0; start < candidates.length; start += window) {
    const slice = candidates.slice(start, start + window);
    const work = needs.header || needs.body ? slice : needs.meta ? slice.filter((c) => c.row.has_meta === null) : [];
    await forEachLimited(work, 16, async (c) => {
      if (needs.meta && c.row.has_meta === null) {
        const full = rowByUid(store.db, mailbox.id, c.row.uid);
        const meta = full ? await store.metaOf(account, mailbox, full) : null;
        if (meta) Object.assign(c.row, { has_meta: 1, sent_date: meta.sentDate, h_from: meta.from, h_to: meta.to, h_cc: meta.cc, h_bcc: meta.bcc, h_subject: meta.subject, h_message_id: meta.messageId });
      }
      if (needs.header || needs.body) await loadContent(store, account, mailbox, c, needs);
    });
    for (const c of slice) {
      const hit = matches(key, c, ctx);
      c.raw = undefined; // drop the window's contents
      c.body = c.header = null;
      if (!hit) continue;
      out.uids.push(c.row.uid);
      out.seqs.push(c.seq);
      if (c.row.modseq > out.highestModseq) out.highestModseq = c.row.modseq;
    }
  }
  return out;
}

async function loadContent(store: MessageStore, account: Account, mailbox: Mailbox, c: Candidate, needs: Needs): Promise<void> {
  const full: MessageRow | undefined = rowByUid(store.db, mailbox.id, c.row.uid);
  if (!full) return;
  const meta = await store.metaOf(account, mailbox, full);
  if (!meta) return;
  const root = meta.structure;
  let fh: FileHandle | null = null;
  try {
    fh = await store.openMessage(account, mailbox, full);
    if (!fh) return;
    c.structure = root;
    if (needs.body) {
      const data = await readRange(fh, 0, c.row.size);
      c.header = data.subarray(0, root.bodyStart).toString('utf8');
      c.raw = data;
    } else {
      c.header = (await readRange(fh, 0, root.bodyStart)).toString('utf8');
    }
  } finally {
    await fh?.close();
  }
}
