// FETCH arguments (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED): the
// attribute list or macro, BODY[section]<partial> in all its forms, and the modifiers.
import type { FetchAttribute, Section } from './command-types.js';
import type { CommandReader } from './reader.js';

const SIMPLE = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'MODSEQ', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

function name(r: CommandReader): string {
  const start = r.pos;
  while (!r.atEnd()) {
    const c = r.peekChar();
    if (/[A-Za-z0-9.]/.test(c)) r.pos++;
    else break;
  }
  if (r.pos === start) r.fail('expected a fetch attribute');
  return r.buf.toString('latin1', start, r.pos).toUpperCase();
}

export function parseSection(r: CommandReader, binary: boolean): Section {
  r.expect('[');
  const section: Section = { part: [], text: null, fields: [] };
  if (r.peekChar() === ']') {
    r.pos++;
    return section;
  }
  while (/[0-9]/.test(r.peekChar())) {
    section.part.push(r.nzNumber());
    if (r.peekChar() !== '.') break;
    r.pos++;
    if (!/[0-9]/.test(r.peekChar())) break;
  }
  if (r.peekChar() !== ']') {
    if (binary) r.fail('BINARY takes only part numbers');
    const word = name(r);
    if (word === 'HEADER' || word === 'TEXT') section.text = word;
    else if (word === 'MIME' && section.part.length > 0) section.text = 'MIME';
    else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
      section.text = word;
      r.space();
      section.fields = r.list(() => r.astring(), true);
    } else r.fail('bad section');
  } else if (section.part.length === 0) r.fail('bad section');
  r.expect(']');
  return section;
}

function partial(r: CommandReader): { start: number; length: number } | null {
  if (r.peekChar() !== '<') return null;
  r.pos++;
  const start = r.number();
  r.expect('.');
  const length = r.nzNumber();
  r.expect('>');
  return { start, length };
}

function attribute(r: CommandReader): FetchAttribute {
  const word = name(r);
  if (SIMPLE.has(word)) return { type: word } as FetchAttribute;
  if (word === 'BODY' || word === 'BODY.PEEK') {
    if (r.peekChar() !== '[') {
      if (word === 'BODY.PEEK') r.fail('BODY.PEEK needs a section');
      return { type: 'BODY' };
    }
    const section = parseSection(r, false);
    return { type: 'BODY[]', peek: word === 'BODY.PEEK', section, partial: partial(r) };
  }
  if (word === 'BINARY' || word === 'BINARY.PEEK') {
    const section = parseSection(r, true);
    return { type: 'BINARY[]', peek: word === 'BINARY.PEEK', section, partial: partial(r) };
  }
  if (word === 'BINARY.SIZE') return { type: 'BINARY.SIZE', section: parseSection(r, true) };
  r.fail(`unknown fetch attribute ${word}`);
}

export function parseFetchArgs(r: CommandReader): { attributes: FetchAttribute[]; changedSince: number | null; vanished: boolean } {
  let attributes: FetchAttribute[];
  if (r.peekChar() === '(') attributes = r.list(() => attribute(r), true);
  else {
    const start = r.pos;
    const word = name(r);
    const macro = MACROS[word];
    if (macro) attributes = macro.map((type) => ({ type }) as FetchAttribute);
    else {
      r.pos = start;
      attributes = [attribute(r)];
    }
  }
  let changedSince: number | null = null;
  let vanished = false;
  if (r.optionalSpace()) {
    r.list(() => {
      const mod = name(r);
      if (mod === 'CHANGEDSINCE') {
        r.space();
        changedSince = r.number();
      } else if (mod === 'VANISHED') vanished = true;
      else r.fail(`unknown fetch modifier ${mod}`);
    }, true);
  }
  r.end();
  return { attributes, changedSince, vanished };
}
