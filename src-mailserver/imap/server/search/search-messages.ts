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
import type { MessageRow } from '../../../store/message-rows.js';
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

interface SearchRow extends MessageRow {
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
      return (c.body ?? '').includes(key.value.normalize('NFC').toLowerCase());
    case 'text': {
      const needle = key.value.normalize('NFC').toLowerCase();
      return (c.body ?? '').includes(needle) || headerText(Buffer.from(c.header ?? '', 'utf8')).toLowerCase().includes(needle);
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

export interface SearchResult {
  uids: number[];
  seqs: number[];
  highestModseq: number;
}

export async function searchMessages(store: MessageStore, account: Account, view: SelectedMailbox, key: SearchKey): Promise<SearchResult> {
  const needs = needsOf(key);
  const mailbox: Mailbox = view.mailbox;
  const columns = 'm.id, m.uid, m.modseq, m.flags, m.keywords, m.internaldate, m.size, m.filename, m.subdir, m.letters';
  const query = needs.meta
    ? `SELECT ${columns}, mm.message_id AS has_meta, mm.sent_date, mm.h_from, mm.h_to, mm.h_cc, mm.h_bcc, mm.h_subject, mm.h_message_id
       FROM messages m LEFT JOIN message_meta mm ON mm.message_id = m.id WHERE m.mailbox_id = ? AND m.uid <= ? ORDER BY m.uid`
    : `SELECT ${columns} FROM messages m WHERE m.mailbox_id = ? AND m.uid <= ? ORDER BY m.uid`;
  const rows = sql(store.db, query).all(mailbox.id, view.lastUid) as SearchRow[];
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
    await forEachLimited(slice, 16, async (c) => {
      if (needs.meta && c.row.has_meta === null) {
        const meta = await store.metaOf(account, mailbox, c.row);
        if (meta) Object.assign(c.row, { has_meta: 1, sent_date: meta.sentDate, h_from: meta.from, h_to: meta.to, h_cc: meta.cc, h_bcc: meta.bcc, h_subject: meta.subject, h_message_id: meta.messageId });
      }
      if (needs.header || needs.body) await loadContent(store, account, mailbox, c, needs);
    });
    for (const c of slice) {
      if (!matches(key, c, ctx)) continue;
      out.uids.push(c.row.uid);
      out.seqs.push(c.seq);
      if (c.row.modseq > out.highestModseq) out.highestModseq = c.row.modseq;
    }
  }
  return out;
}

async function loadContent(store: MessageStore, account: Account, mailbox: Mailbox, c: Candidate, needs: Needs): Promise<void> {
  const meta = await store.metaOf(account, mailbox, c.row);
  if (!meta) return;
  const root = meta.structure;
  let fh: FileHandle | null = null;
  try {
    fh = await store.openMessage(account, mailbox, c.row);
    if (!fh) return;
    if (needs.body) {
      const data = await readRange(fh, 0, c.row.size);
      c.header = data.subarray(0, root.bodyStart).toString('utf8');
      c.body = bodyText(data, root).normalize('NFC').toLowerCase();
    } else {
      c.header = (await readRange(fh, 0, root.bodyStart)).toString('utf8');
    }
  } finally {
    await fh?.close();
  }
}
