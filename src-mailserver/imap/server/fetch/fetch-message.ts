// One message's FETCH response (RFC 9051 §7.5.2): the requested data items in the order asked,
// UID always on UID FETCH, FLAGS added when an implicit \Seen changed them, MODSEQ with CONDSTORE.
// Body data goes out as literals (literal8 when BINARY data holds NUL).
import type { FileHandle } from 'node:fs/promises';
import type { Account } from '../../../directory/accounts.js';
import type { Mailbox } from '../../../store/mailbox-index.js';
import type { IndexColumns, MessageRow } from '../../../store/message-rows.js';
import type { MessageStore } from '../../../store/message-store.js';
import type { FetchAttribute } from '../../protocol/command-types.js';
import { bodyStructure, envelope, internalDate, literalPrefix } from '../../protocol/compose.js';
import { flagsText } from '../flags.js';
import { applyPartial, binarySection, bodySection, needsStructure, sectionText } from './section-data.js';

export interface FetchPlan {
  attributes: FetchAttribute[];
  uid: boolean;
  modseq: boolean;
  needsMeta: boolean;
  needsFile: boolean;
  utf8: boolean;
}

export function planFetch(attributes: FetchAttribute[], uid: boolean, modseq: boolean, utf8: boolean): FetchPlan {
  let needsMeta = false;
  let needsFile = false;
  for (const a of attributes) {
    if (a.type === 'ENVELOPE' || a.type === 'BODYSTRUCTURE' || a.type === 'BODY') needsMeta = true;
    if (a.type === 'RFC822' || a.type === 'RFC822.HEADER' || a.type === 'RFC822.TEXT') {
      needsFile = true;
      if (a.type !== 'RFC822') needsMeta = true;
    }
    if (a.type === 'BODY[]' || a.type === 'BINARY[]' || a.type === 'BINARY.SIZE') {
      needsFile = true;
      if (needsStructure(a.section) || a.type !== 'BODY[]') needsMeta = true;
    }
    if (a.type === 'MODSEQ') modseq = true;
  }
  return { attributes, uid, modseq, needsMeta, needsFile, utf8 };
}

/** Whether the attribute reads the body without .PEEK (sets \Seen, RFC 9051 §6.4.5). */
export function setsSeen(a: FetchAttribute): boolean {
  return a.type === 'RFC822' || a.type === 'RFC822.TEXT' || ((a.type === 'BODY[]' || a.type === 'BINARY[]') && !a.peek);
}

/** A FETCH response line built from index columns only (no meta, no file). */
export function indexOnlyLine(seq: number, row: IndexColumns, plan: FetchPlan, recent: boolean): string {
  const items: string[] = [];
  let uid = plan.uid;
  for (const a of plan.attributes) {
    if (a.type === 'UID') uid = true;
  }
  if (uid) items.push(`UID ${row.uid}`);
  for (const a of plan.attributes) {
    if (a.type === 'FLAGS') items.push(`FLAGS ${flagsText(row.flags, row.keywords, recent)}`);
    else if (a.type === 'INTERNALDATE') items.push(`INTERNALDATE ${internalDate(row.internaldate)}`);
    else if (a.type === 'RFC822.SIZE') items.push(`RFC822.SIZE ${row.size}`);
  }
  if (plan.modseq) items.push(`MODSEQ (${row.modseq})`);
  return `* ${seq} FETCH (${items.join(' ')})\r\n`;
}

export async function fetchMessage(
  store: MessageStore,
  account: Account,
  mailbox: Mailbox,
  seq: number,
  row: MessageRow,
  plan: FetchPlan,
  recent: boolean,
  forceFlags: boolean,
): Promise<(string | Buffer)[] | null> {
  const meta = plan.needsMeta ? await store.metaOf(account, mailbox, row) : null;
  if (plan.needsMeta && !meta) return null;
  const root = meta?.structure ?? null;
  let fh: FileHandle | null = null;
  if (plan.needsFile) {
    fh = await store.openMessage(account, mailbox, row);
    if (!fh) return null;
  }
  try {
    const items: (string | Buffer)[][] = [];
    const seen = new Set<string>();
    const add = (key: string, ...parts: (string | Buffer)[]) => {
      if (seen.has(key)) return;
      seen.add(key);
      items.push(parts);
    };
    if (plan.uid) add('UID', `UID ${row.uid}`);
    const size = row.size;
    for (const a of plan.attributes) {
      switch (a.type) {
        case 'UID':
          add('UID', `UID ${row.uid}`);
          break;
        case 'FLAGS':
          add('FLAGS', `FLAGS ${flagsText(row.flags, row.keywords, recent)}`);
          break;
        case 'INTERNALDATE':
          add('INTERNALDATE', `INTERNALDATE ${internalDate(row.internaldate)}`);
          break;
        case 'RFC822.SIZE':
          add('RFC822.SIZE', `RFC822.SIZE ${size}`);
          break;
        case 'MODSEQ':
          break;
        case 'ENVELOPE':
          add('ENVELOPE', `ENVELOPE ${envelope(root!.envelope, plan.utf8)}`);
          break;
        case 'BODYSTRUCTURE':
          add('BODYSTRUCTURE', `BODYSTRUCTURE ${bodyStructure(root!, true, plan.utf8)}`);
          break;
        case 'BODY':
          add('BODY', `BODY ${bodyStructure(root!, false, plan.utf8)}`);
          break;
        case 'RFC822':
        case 'RFC822.HEADER':
        case 'RFC822.TEXT': {
          const section = { part: [], text: a.type === 'RFC822' ? null : a.type === 'RFC822.HEADER' ? ('HEADER' as const) : ('TEXT' as const), fields: [] };
          const data = (await bodySection(fh!, size, root, section)) ?? Buffer.alloc(0);
          add(a.type, `${a.type} ${literalPrefix(data.length)}`, data);
          break;
        }
        case 'BODY[]': {
          const full = await bodySection(fh!, size, root, a.section);
          const name = `BODY[${sectionText(a.section)}]${a.partial ? `<${a.partial.start}>` : ''}`;
          if (full === null) add(name, `${name} NIL`);
          else {
            const data = applyPartial(full, a.partial);
            add(name, `${name} ${literalPrefix(data.length)}`, data);
          }
          break;
        }
        case 'BINARY[]': {
          const full = await binarySection(fh!, size, root, a.section);
          const name = `BINARY[${sectionText(a.section)}]${a.partial ? `<${a.partial.start}>` : ''}`;
          if (full === null) add(name, `${name} NIL`);
          else {
            const data = applyPartial(full, a.partial);
            add(name, `${name} ${literalPrefix(data.length, data.includes(0))}`, data);
          }
          break;
        }
        case 'BINARY.SIZE': {
          const full = await binarySection(fh!, size, root, a.section);
          add(`BINARY.SIZE[${sectionText(a.section)}]`, `BINARY.SIZE[${sectionText(a.section)}] ${full?.length ?? 0}`);
          break;
        }
      }
    }
    if (forceFlags) add('FLAGS', `FLAGS ${flagsText(row.flags, row.keywords, recent)}`);
    if (plan.modseq) add('MODSEQ', `MODSEQ (${row.modseq})`);
    const out: (string | Buffer)[] = [`* ${seq} FETCH (`];
    items.forEach((parts, i) => {
      if (i > 0) out.push(' ');
      out.push(...parts);
    });
    out.push(')\r\n');
    return out;
  } finally {
    await fh?.close();
  }
}
