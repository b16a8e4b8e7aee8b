// Per-message cache computed once from the stored bytes: the MIME structure (part tree with
// byte offsets and envelopes, for ENVELOPE, BODYSTRUCTURE and BODY[section]) and the header
// fields SEARCH looks at, decoded (RFC 2047) and lower-cased. Rows are written with the message's
// index row; messages indexed without one (found by reconciliation, older rows) get theirs the
// first time someone asks.
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import libmime from 'libmime';
import { sql, type Db } from '../directory/database.js';
import { fieldValue, type HeaderField } from '../mail/mime-header.js';
import { MimeStructureParser, type MessageStructure, type MimePart } from '../mail/mime-structure.js';
import type { EnvelopeAddress } from '../mail/address-list.js';

export interface MessageMetaInput {
  structure: string;
  sentDate: number | null;
  from: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  messageId: string;
}

export interface MessageMeta {
  structure: MimePart;
  sentDate: number | null;
  from: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  messageId: string;
}

function safeDecode(text: string): string {
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

function addressText(list: EnvelopeAddress[]): string {
  return list
    .filter((a) => a.host !== null)
    .map((a) => `${a.name ? safeDecode(a.name) + ' ' : ''}<${a.mailbox}@${a.host}>`)
    .join(', ');
}

/** Date header → milliseconds, or null when absent or unparseable. */
export function parseSentDate(value: string | null): number | null {
  if (!value) return null;
  const cleaned = value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const ms = Date.parse(cleaned);
  return Number.isFinite(ms) ? ms : null;
}

export function metaFromStructure(s: MessageStructure): MessageMetaInput {
  const env = s.root.envelope!;
  const fields: HeaderField[] = s.headerFields;
  const low = (t: string) => t.normalize('NFC').toLowerCase();
  return {
    structure: JSON.stringify(s.root),
    sentDate: parseSentDate(fieldValue(fields, 'date')),
    from: low(addressText(env.from)),
    to: low(addressText(env.to)),
    cc: low(addressText(env.cc)),
    bcc: low(addressText(env.bcc)),
    subject: low(safeDecode(env.subject ?? '')),
    messageId: (env.messageId ?? '').trim(),
  };
}

/** Stream a stored message file (by path or open handle, which stays open) through the structure parser. */
export async function computeMeta(source: string | FileHandle): Promise<MessageMetaInput> {
  const parser = new MimeStructureParser();
  const stream =
    typeof source === 'string'
      ? createReadStream(source, { highWaterMark: 256 * 1024 })
      : source.createReadStream({ start: 0, highWaterMark: 256 * 1024, autoClose: false });
  for await (const chunk of stream) parser.write(chunk as Buffer);
  return metaFromStructure(parser.end());
}

export function insertMeta(db: Db, messageId: number, meta: MessageMetaInput): void {
  sql(
    db,
    `INSERT OR REPLACE INTO message_meta (message_id, structure, sent_date, h_from, h_to, h_cc, h_bcc, h_subject, h_message_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(messageId, meta.structure, meta.sentDate, meta.from, meta.to, meta.cc, meta.bcc, meta.subject, meta.messageId);
}

/** Copy a message's meta row to a new message row (COPY / MOVE). */
export function copyMeta(db: Db, fromMessageId: number, toMessageId: number): void {
  sql(
    db,
    `INSERT OR REPLACE INTO message_meta (message_id, structure, sent_date, h_from, h_to, h_cc, h_bcc, h_subject, h_message_id)
     SELECT ?, structure, sent_date, h_from, h_to, h_cc, h_bcc, h_subject, h_message_id FROM message_meta WHERE message_id = ?`,
  ).run(toMessageId, fromMessageId);
}

interface MetaRow {
  structure: string;
  sent_date: number | null;
  h_from: string;
  h_to: string;
  h_cc: string;
  h_bcc: string;
  h_subject: string;
  h_message_id: string;
}

export function readMeta(db: Db, messageId: number): MessageMeta | undefined {
  const r = sql(db, 'SELECT structure, sent_date, h_from, h_to, h_cc, h_bcc, h_subject, h_message_id FROM message_meta WHERE message_id = ?').get(
    messageId,
  ) as MetaRow | undefined;
  if (!r) return undefined;
  return {
    structure: JSON.parse(r.structure) as MimePart,
    sentDate: r.sent_date,
    from: r.h_from,
    to: r.h_to,
    cc: r.h_cc,
    bcc: r.h_bcc,
    subject: r.h_subject,
    messageId: r.h_message_id,
  };
}
