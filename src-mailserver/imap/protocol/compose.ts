// Turning values into IMAP response syntax (RFC 9051 §4 data formats, §7.5.2 ENVELOPE and
// BODYSTRUCTURE): strings as quoted or literal, NIL, lists, flag lists, sequence sets, dates,
// and the ENVELOPE / BODY / BODYSTRUCTURE structures from the cached MIME part tree.
import type { EnvelopeAddress } from '../../mail/address-list.js';
import type { MimeEnvelope, MimePart } from '../../mail/mime-structure.js';

/**
 * An IMAP string for `text`: quoted when it is short and safe, else a literal. 8-bit text is
 * quoted only for a client that enabled UTF8=ACCEPT / IMAP4rev2; literals may carry it anyway.
 */
export function imapString(text: string, utf8 = false): string {
  const safe = text.length < 1024 && !/[\r\n\0]/.test(text) && (utf8 || /^[\x01-\x7f]*$/.test(text));
  if (safe) return `"${text.replace(/["\\]/g, (c) => '\\' + c)}"`;
  return `{${Buffer.byteLength(text, 'utf8')}}\r\n${text}`;
}

export function nstring(text: string | null | undefined, utf8 = false): string {
  return text === null || text === undefined ? 'NIL' : imapString(text, utf8);
}

/** An astring: an atom when possible (mailbox names, keywords), else a string. */
export function astring(text: string, utf8 = false): string {
  if (/^[\x21\x23-\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]+$/.test(text) && text.toUpperCase() !== 'NIL') return text;
  return imapString(text, utf8);
}

/** A literal header for `length` bytes; literal8 (`~{n}`) when the data may hold NULs. */
export function literalPrefix(length: number, binary = false): string {
  return `${binary ? '~' : ''}{${length}}\r\n`;
}

/** Compress ascending numbers to sequence-set syntax: 1,2,3,5 → `1:3,5`. */
export function sequenceSetText(numbers: ArrayLike<number>): string {
  const out: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    out.push(i === j ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** INTERNALDATE as `"17-Jul-1996 02:44:25 -0700"`, in UTC. */
export function internalDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `"${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000"`;
}

function addressList(list: EnvelopeAddress[], utf8: boolean): string {
  if (list.length === 0) return 'NIL';
  return '(' + list.map((a) => `(${nstring(a.name, utf8)} ${nstring(a.adl, utf8)} ${nstring(a.mailbox, utf8)} ${nstring(a.host, utf8)})`).join('') + ')';
}

export function envelope(env: MimeEnvelope | undefined, utf8: boolean): string {
  if (!env) return '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)';
  return (
    `(${nstring(env.date, utf8)} ${nstring(env.subject, utf8)} ${addressList(env.from, utf8)} ${addressList(env.sender, utf8)} ` +
    `${addressList(env.replyTo, utf8)} ${addressList(env.to, utf8)} ${addressList(env.cc, utf8)} ${addressList(env.bcc, utf8)} ` +
    `${nstring(env.inReplyTo, utf8)} ${nstring(env.messageId, utf8)})`
  );
}

function params(list: [string, string][], utf8: boolean): string {
  if (list.length === 0) return 'NIL';
  return '(' + list.map(([k, v]) => `${imapString(k, utf8)} ${imapString(v, utf8)}`).join(' ') + ')';
}

function extension(part: MimePart, utf8: boolean): string {
  const disposition = part.disposition ? `(${imapString(part.disposition.type, utf8)} ${params(part.disposition.params, utf8)})` : 'NIL';
  const language =
    part.language === null ? 'NIL' : part.language.length === 1 ? imapString(part.language[0]!, utf8) : `(${part.language.map((l) => imapString(l, utf8)).join(' ')})`;
  return `${disposition} ${language} ${nstring(part.location, utf8)}`;
}

const EMPTY_TEXT: MimePart = {
  type: 'text',
  subtype: 'plain',
  params: [['charset', 'us-ascii']],
  id: null,
  description: null,
  encoding: null,
  md5: null,
  disposition: null,
  language: null,
  location: null,
  headerStart: 0,
  bodyStart: 0,
  bodyEnd: 0,
  lines: 0,
};

/** BODYSTRUCTURE (extensible = true) or BODY (false) of a part. */
export function bodyStructure(part: MimePart, extensible: boolean, utf8: boolean): string {
  if (part.type === 'multipart') {
    const children = part.parts && part.parts.length > 0 ? part.parts : [{ ...EMPTY_TEXT, bodyStart: part.bodyStart, bodyEnd: part.bodyStart }];
    let out = '(' + children.map((c) => bodyStructure(c, extensible, utf8)).join('') + ` ${imapString(part.subtype, utf8)}`;
    if (extensible) out += ` ${params(part.params, utf8)} ${extension(part, utf8)}`;
    return out + ')';
  }
  const size = part.bodyEnd - part.bodyStart;
  // A text part without a charset is US-ASCII (RFC 2045 §5.2); say so, as Dovecot does.
  const leafParams = part.type === 'text' && !part.params.some(([k]) => k === 'charset') ? [...part.params, ['charset', 'us-ascii'] as [string, string]] : part.params;
  let out =
    `(${imapString(part.type, utf8)} ${imapString(part.subtype, utf8)} ${params(leafParams, utf8)} ${nstring(part.id, utf8)} ` +
    `${nstring(part.description, utf8)} ${imapString(part.encoding ?? '7bit', utf8)} ${size}`;
  if (part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global')) {
    const inner = part.message ?? { ...EMPTY_TEXT, bodyStart: part.bodyStart, bodyEnd: part.bodyEnd };
    out += ` ${envelope(part.message?.envelope, utf8)} ${bodyStructure(inner, extensible, utf8)} ${part.lines}`;
  } else if (part.type === 'text') {
    out += ` ${part.lines}`;
  }
  if (extensible) out += ` ${nstring(part.md5, utf8)} ${extension(part, utf8)}`;
  return out + ')';
}

/** The part a section's numbers name (RFC 9051 §6.4.5 BODY[<section>]), or null. */
export function findPart(root: MimePart, numbers: number[]): MimePart | null {
  let p: MimePart = root;
  for (const n of numbers) {
    if (p.message) p = p.message;
    if (p.type === 'multipart') {
      const child = p.parts?.[n - 1];
      if (!child) return null;
      p = child;
    } else if (n !== 1) return null;
  }
  return p;
}
