// SEARCH arguments (RFC 9051 §6.4.4 with every search key, RFC 4731 ESEARCH RETURN options,
// RFC 5182 SEARCHRES, RFC 7162 MODSEQ, RFC 5032 WITHIN). Strings are UTF-8 (or US-ASCII) bytes;
// other charsets are refused by the handler with BADCHARSET.
import { Flag } from '../../store/maildir.js';
import type { SearchKey, SearchReturn } from './command-types.js';
import { MAX_LIST_DEPTH, type CommandReader } from './reader.js';

const FLAG_KEYS: Record<string, [number, boolean]> = {
  ANSWERED: [Flag.Answered, true],
  DELETED: [Flag.Deleted, true],
  DRAFT: [Flag.Draft, true],
  FLAGGED: [Flag.Flagged, true],
  SEEN: [Flag.Seen, true],
  UNANSWERED: [Flag.Answered, false],
  UNDELETED: [Flag.Deleted, false],
  UNDRAFT: [Flag.Draft, false],
  UNFLAGGED: [Flag.Flagged, false],
  UNSEEN: [Flag.Seen, false],
};

const HEADER_KEYS: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TO: 'to' };

function word(r: CommandReader): string {
  return r.atom().toUpperCase();
}

function searchString(r: CommandReader): string {
  return r.astringBytes().toString('utf8');
}

function key(r: CommandReader, depth: number): SearchKey {
  if (depth > MAX_LIST_DEPTH) r.fail('search too deeply nested');
  const c = r.peekChar();
  if (c === '(') {
    const keys = r.list(() => key(r, depth + 1), true);
    return keys.length === 1 ? keys[0]! : { type: 'and', keys };
  }
  if (/[0-9*$]/.test(c)) return { type: 'seq', set: r.sequenceSet() };
  const w = word(r);
  const flag = FLAG_KEYS[w];
  if (flag) return { type: 'flag', flag: flag[0], set: flag[1] };
  const header = HEADER_KEYS[w];
  if (header) {
    r.space();
    return { type: 'header', field: header, value: searchString(r) };
  }
  switch (w) {
    case 'ALL':
      return { type: 'all' };
    case 'NEW':
    case 'OLD':
    case 'RECENT':
      return { type: w.toLowerCase() as 'new' | 'old' | 'recent' };
    case 'KEYWORD':
    case 'UNKEYWORD':
      r.space();
      return { type: 'keyword', keyword: r.atom(), set: w === 'KEYWORD' };
    case 'BODY':
    case 'TEXT':
      r.space();
      return { type: w === 'BODY' ? 'body' : 'text', value: searchString(r) };
    case 'HEADER': {
      r.space();
      const field = r.astring().toLowerCase();
      r.space();
      return { type: 'header', field, value: searchString(r) };
    }
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE': {
      r.space();
      const sent = w.startsWith('SENT');
      const op = (sent ? w.slice(4) : w).toLowerCase() as 'before' | 'on' | 'since';
      return { type: 'date', sent, op, date: r.date() };
    }
    case 'LARGER':
    case 'SMALLER':
      r.space();
      return { type: 'size', larger: w === 'LARGER', size: r.number() };
    case 'OLDER':
    case 'YOUNGER':
      r.space();
      return { type: 'within', older: w === 'OLDER', seconds: r.nzNumber() };
    case 'UID':
      r.space();
      return { type: 'uid', set: r.sequenceSet() };
    case 'NOT':
      r.space();
      return { type: 'not', key: key(r, depth + 1) };
    case 'OR': {
      r.space();
      const a = key(r, depth + 1);
      r.space();
      return { type: 'or', a, b: key(r, depth + 1) };
    }
    case 'MODSEQ': {
      r.space();
      // Optional entry-name and entry-type (RFC 7162 §3.1.5): accepted and ignored.
      if (r.peekChar() === '"') {
        r.quoted();
        r.space();
        const t = word(r);
        if (t !== 'PRIV' && t !== 'SHARED' && t !== 'ALL') r.fail('bad MODSEQ entry type');
        r.space();
      }
      return { type: 'modseq', modseq: r.number() };
    }
    default:
      r.fail(`unknown search key ${w}`);
  }
}

export function parseSearchArgs(r: CommandReader): { returns: SearchReturn[] | null; charset: string | null; key: SearchKey } {
  let returns: SearchReturn[] | null = null;
  let charset: string | null = null;
  if (r.peekWord('RETURN ')) {
    r.pos += 7;
    returns = r.list(() => {
      const w = word(r);
      if (w !== 'MIN' && w !== 'MAX' && w !== 'ALL' && w !== 'COUNT' && w !== 'SAVE') r.fail(`unknown RETURN option ${w}`);
      return w;
    });
    r.space();
  }
  if (r.peekWord('CHARSET ')) {
    r.pos += 8;
    charset = r.astring().toUpperCase();
    r.space();
  }
  const keys: SearchKey[] = [key(r, 0)];
  while (r.optionalSpace()) keys.push(key(r, 0));
  r.end();
  return { returns, charset, key: keys.length === 1 ? keys[0]! : { type: 'and', keys } };
}
