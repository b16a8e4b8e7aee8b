// Token reader for IMAP command arguments (RFC 9051 §9 formal syntax): atoms, quoted strings,
// literals (inline after `{n}` / `{n+}` / `~{n}` and CRLF, as the framer keeps them), NIL,
// numbers, sequence sets, dates and parenthesised lists. Every failure is a ProtocolSyntaxError
// with the offset where reading stopped. Pure: a buffer in, values out.
import { ProtocolSyntaxError } from '../../common/errors.js';

/** A sequence set; 0 stands for `*`. `saved` is SEARCHRES's `$` (RFC 5182). */
export type SequenceSet = { kind: 'set'; ranges: [number, number][] } | { kind: 'saved' };

const ATOM_SPECIALS = new Set([...'(){ %*"\\]'].map((c) => c.charCodeAt(0)));
const MAX_NUMBER = 2 ** 63;
export const MAX_LIST_DEPTH = 20;

export function isAtomChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && !ATOM_SPECIALS.has(c);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export class CommandReader {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  fail(message: string): never {
    throw new ProtocolSyntaxError(message, this.pos);
  }

  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  peek(): number {
    return this.pos < this.buf.length ? this.buf[this.pos]! : -1;
  }

  peekChar(): string {
    return this.pos < this.buf.length ? String.fromCharCode(this.buf[this.pos]!) : '';
  }

  /** Case-insensitive look-ahead for a word. */
  peekWord(word: string): boolean {
    const end = this.pos + word.length;
    if (end > this.buf.length) return false;
    return this.buf.toString('latin1', this.pos, end).toUpperCase() === word.toUpperCase();
  }

  expect(ch: string): void {
    if (this.peekChar() !== ch) this.fail(`expected ${JSON.stringify(ch)}`);
    this.pos++;
  }

  space(): void {
    this.expect(' ');
  }

  /** Consume one space if present. */
  optionalSpace(): boolean {
    if (this.peekChar() === ' ') {
      this.pos++;
      return true;
    }
    return false;
  }

  end(): void {
    if (!this.atEnd()) this.fail('unexpected characters at end of command');
  }

  /** An atom (ATOM-CHAR+); `extra` adds allowed characters (e.g. `]` or `\`). */
  atom(extra = ''): string {
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos]!;
      if (isAtomChar(c) || (c !== 0x20 && c > 0x20 && c < 0x7f && extra.includes(String.fromCharCode(c)))) this.pos++;
      else break;
    }
    if (this.pos === start) this.fail('expected an atom');
    return this.buf.toString('latin1', start, this.pos);
  }

  /** A tag: ASTRING-CHAR except `+`. */
  tag(): string {
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos]!;
      if ((isAtomChar(c) || c === 0x5d) && c !== 0x2b) this.pos++;
      else break;
    }
    if (this.pos === start) this.fail('expected a tag');
    return this.buf.toString('latin1', start, this.pos);
  }

  number(): number {
    const start = this.pos;
    while (this.pos < this.buf.length && this.buf[this.pos]! >= 0x30 && this.buf[this.pos]! <= 0x39) this.pos++;
    if (this.pos === start || this.pos - start > 20) this.fail('expected a number');
    const n = Number(this.buf.toString('latin1', start, this.pos));
    if (n >= MAX_NUMBER) this.fail('number too large');
    return n;
  }

  nzNumber(): number {
    const n = this.number();
    if (n === 0) this.fail('expected a non-zero number');
    return n;
  }

  /** A 32-bit non-zero number (sequence numbers and UIDs). */
  nz32(): number {
    const n = this.nzNumber();
    if (n > 0xffffffff) this.fail('number out of range');
    return n;
  }

  /** A literal `{n}` / `{n+}` / `~{n}` (binary allowed only with `~` when `allowBinary`). */
  literal(allowBinary = false): Buffer {
    let binary = false;
    if (this.peekChar() === '~') {
      if (!allowBinary) this.fail('literal8 not allowed here');
      binary = true;
      this.pos++;
    }
    this.expect('{');
    const size = this.number();
    if (this.peekChar() === '+') this.pos++;
    this.expect('}');
    if (this.peekChar() === '\r') this.pos++;
    this.expect('\n');
    if (this.pos + size > this.buf.length) this.fail('literal shorter than announced');
    const data = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    if (!binary && data.includes(0)) this.fail('NUL in a literal');
    return data;
  }

  quoted(): Buffer {
    this.expect('"');
    const out: number[] = [];
    for (;;) {
      if (this.atEnd()) this.fail('unterminated quoted string');
      const c = this.buf[this.pos++]!;
      if (c === 0x22) break;
      if (c === 0x5c) {
        const next = this.buf[this.pos++];
        if (next !== 0x22 && next !== 0x5c) this.fail('bad escape in quoted string');
        out.push(next);
        continue;
      }
      if (c === 0x0d || c === 0x0a || c === 0) this.fail('bad character in quoted string');
      out.push(c);
    }
    return Buffer.from(out);
  }

  isStringStart(): boolean {
    const c = this.peekChar();
    return c === '"' || c === '{' || c === '~';
  }

  /** string = quoted / literal, as bytes. */
  stringBytes(allowBinary = false): Buffer {
    const c = this.peekChar();
    if (c === '"') return this.quoted();
    if (c === '{' || c === '~') return this.literal(allowBinary);
    this.fail('expected a string');
  }

  string(): string {
    return this.stringBytes().toString('utf8');
  }

  /** astring = atom (with `]`) / string. */
  astring(): string {
    return this.isStringStart() ? this.string() : this.atom(']');
  }

  /** astring as bytes; the atom form may hold 8-bit bytes (clients send raw UTF-8 search words). */
  astringBytes(): Buffer {
    if (this.isStringStart()) return this.stringBytes();
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos]!;
      if (isAtomChar(c) || c === 0x5d || c >= 0x80) this.pos++;
      else break;
    }
    if (this.pos === start) this.fail('expected a string');
    return this.buf.subarray(start, this.pos);
  }

  /** nstring: NIL or a string. */
  nstring(): string | null {
    if (this.peekWord('NIL') && !this.isStringStart()) {
      this.pos += 3;
      return null;
    }
    return this.string();
  }

  /** A mailbox name as sent (decoding to a name is the session's job: mUTF-7 or UTF-8). */
  mailbox(): string {
    return this.isStringStart() ? this.string() : this.listMailboxAtom(false);
  }

  /** list-mailbox: like astring but `%` and `*` allowed in the atom form. */
  listMailbox(): string {
    return this.isStringStart() ? this.string() : this.listMailboxAtom(true);
  }

  private listMailboxAtom(wildcards: boolean): string {
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos]!;
      if (isAtomChar(c) || c === 0x5d || (wildcards && (c === 0x25 || c === 0x2a)) || c >= 0x80) this.pos++;
      else break;
    }
    if (this.pos === start) this.fail('expected a mailbox name');
    return this.buf.toString('utf8', start, this.pos);
  }

  /** A parenthesised list; `item` reads one element. Empty lists allowed unless `nonEmpty`. */
  list<T>(item: () => T, nonEmpty = false): T[] {
    this.expect('(');
    const out: T[] = [];
    if (this.peekChar() === ')') {
      if (nonEmpty) this.fail('empty list');
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(item());
      if (this.peekChar() === ')') {
        this.pos++;
        return out;
      }
      this.space();
    }
  }

  sequenceSet(): SequenceSet {
    if (this.peekChar() === '$') {
      this.pos++;
      return { kind: 'saved' };
    }
    const ranges: [number, number][] = [];
    for (;;) {
      const a = this.seqNumber();
      let b = a;
      if (this.peekChar() === ':') {
        this.pos++;
        b = this.seqNumber();
      }
      ranges.push([a, b]);
      if (this.peekChar() !== ',') break;
      this.pos++;
    }
    return { kind: 'set', ranges };
  }

  private seqNumber(): number {
    if (this.peekChar() === '*') {
      this.pos++;
      return 0;
    }
    return this.nz32();
  }

  /** date = date-text / DQUOTE date-text DQUOTE, e.g. 1-Feb-1994. Returns UTC midnight ms of that day. */
  date(): { y: number; m: number; d: number } {
    const quoted = this.peekChar() === '"';
    if (quoted) this.pos++;
    const text = this.atomLike();
    if (quoted) this.expect('"');
    const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
    const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
    if (!m || month < 0) this.fail('bad date');
    const day = Number(m[1]);
    if (day < 1 || day > 31) this.fail('bad date');
    return { y: Number(m[3]), m: month, d: day };
  }

  private atomLike(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && isAtomChar(this.buf[this.pos]!)) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  /** date-time = DQUOTE dd-Mon-yyyy SP hh:mm:ss SP zone DQUOTE → epoch ms. */
  dateTime(): number {
    const s = this.quoted().toString('latin1');
    const m = /^([ \d]\d|\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(s);
    const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
    if (!m || month < 0) this.fail('bad date-time');
    const [d, y, hh, mm, ss] = [Number(m[1]!.trim()), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
    if (d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) this.fail('bad date-time');
    const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
    return Date.UTC(y, month, d, hh, mm, ss) - offset * 60_000;
  }

  /** A flag: `\Atom` or a keyword atom. */
  flag(): string {
    if (this.peekChar() === '\\') {
      this.pos++;
      return '\\' + this.atom();
    }
    return this.atom();
  }

  /** The rest of the command, raw. */
  rest(): Buffer {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }
}

/** Whether `n` is in a sequence set, `*` standing for `star`; the saved set `$` never matches here. */
export function setContains(set: SequenceSet, n: number, star: number): boolean {
  if (set.kind === 'saved') return false;
  return set.ranges.some(([a, b]) => {
    const x = a === 0 ? star : a;
    const y = b === 0 ? star : b;
    return n >= Math.min(x, y) && n <= Math.max(x, y);
  });
}
