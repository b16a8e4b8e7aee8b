// What the content rules read from a message: its Subject and From (encoded-words decoded, RFC
// 2047), the text of its text/plain and text/html parts (base64 or quoted-printable decoded,
// RFC 2045 §6, charsets converted, HTML reduced to text), and the host names of the links in
// them. Works on a bounded prefix of the message, walks at most MAX_PARTS parts MAX_DEPTH deep,
// and never throws: a malformed message simply yields less text. Pure.
import iconv from 'iconv-lite';
import libmime from 'libmime';
import { fieldValues, findHeaderEnd, parseHeaderFields, type HeaderField } from '../mail/header-fields.js';

export interface MessageText {
  subject: string;
  from: string;
  /** Header fields of the top-level entity. */
  fields: HeaderField[];
  /** Decoded text of the text parts, bounded. */
  text: string;
  /** Lower-case host names of http(s) links and bare www. names, in order of appearance, unique. */
  urlHosts: string[];
  /** Attachment file name extensions, lower case. */
  attachments: string[];
}

const MAX_PARTS = 50;
const MAX_DEPTH = 8;
const MAX_TEXT = 200_000;
const MAX_HOSTS = 100;

function decodeQuotedPrintable(text: string): Buffer {
  const body = text.replace(/[ \t]+(\r?\n)/g, '$1').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(body.slice(i + 1, i + 3))) {
      out.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Buffer.from(out);
}

function decodeCharset(bytes: Buffer, charset: string): string {
  const name = charset.toLowerCase().trim() || 'utf-8';
  try {
    if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
  } catch {
    /* fall through */
  }
  return bytes.toString('utf8');
}

function decodeHeaderText(value: string): string {
  try {
    return libmime.decodeWords(Buffer.from(value, 'latin1').toString('utf8'));
  } catch {
    return value;
  }
}

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '\u00a9', reg: '\u00ae', euro: '\u20ac', pound: '\u00a3',
  hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', szlig: '\u00df',
};
// Latin-1 letters with accents: &eacute; &Uuml; &ccedil; &ntilde; ...
const ACCENTS: Record<string, string> = { acute: '\u0301', grave: '\u0300', uml: '\u0308', circ: '\u0302', tilde: '\u0303', cedil: '\u0327', ring: '\u030a' };

function namedEntity(name: string): string | undefined {
  if (name in ENTITIES) return ENTITIES[name];
  const m = /^([a-zA-Z])(acute|grave|uml|circ|tilde|cedil|ring)$/.exec(name);
  return m ? (m[1]! + ACCENTS[m[2]!]!).normalize('NFC') : undefined;
}

/** The HTML without <script> and <style> elements; linear in the input. */
function dropScripts(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const open = /<(script|style)\b/g;
    open.lastIndex = at;
    const m = open.exec(lower);
    if (!m) break;
    out.push(html.slice(at, m.index));
    const close = lower.indexOf(`</${m[1]}`, m.index);
    if (close < 0) return out.join(' ');
    const gt = lower.indexOf('>', close);
    at = gt < 0 ? lower.length : gt + 1;
  }
  out.push(html.slice(at));
  return out.join(' ');
}

/** HTML to text: scripts and styles dropped, tags removed, common entities decoded; hrefs kept. */
export function htmlToText(html: string): { text: string; links: string[] } {
  const links: string[] = [];
  const cleaned = dropScripts(html);
  cleaned.replace(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi, (_m, a?: string, b?: string, c?: string) => {
    links.push(a ?? b ?? c ?? '');
    return '';
  });
  const text = cleaned
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return namedEntity(e) ?? namedEntity(e.toLowerCase()) ?? m;
    })
    .replace(/[ \t\r\n]+/g, ' ');
  return { text, links };
}

const URL_IN_TEXT = /\b(?:https?:\/\/([^\s/?#<>"'()\[\]]+)|(www\.[a-z0-9.-]{1,200}\.[a-z]{2,}))/gi;

/** The host of a link (userinfo and port removed), lower case, or null. */
export function linkHost(link: string): string | null {
  const m = /^\s*https?:\/\/([^\s/?#<>"']+)/i.exec(link) ?? /^\s*(www\.[^\s/?#<>"']+)/i.exec(link);
  if (!m) return null;
  let host = m[1]!.toLowerCase();
  host = host.slice(host.lastIndexOf('@') + 1);
  if (host.startsWith('[')) return null;
  host = host.replace(/:\d*$/, '').replace(/\.$/, '');
  try {
    host = new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
  return /^[a-z0-9.-]+$/.test(host) && host.includes('.') ? host : null;
}

interface Walk {
  text: string[];
  textLength: number;
  hosts: Set<string>;
  attachments: string[];
  parts: number;
}

function addHosts(walk: Walk, links: Iterable<string>): void {
  for (const link of links) {
    if (walk.hosts.size >= MAX_HOSTS) return;
    const host = linkHost(link);
    if (host) walk.hosts.add(host);
  }
}

function addText(walk: Walk, text: string): void {
  if (walk.textLength >= MAX_TEXT) return;
  const part = text.slice(0, MAX_TEXT - walk.textLength);
  walk.text.push(part);
  walk.textLength += part.length;
  addHosts(walk, Array.from(part.matchAll(URL_IN_TEXT), (m) => (m[1] ? `http://${m[1]}` : m[2]!)));
}

function walkEntity(raw: string, depth: number, walk: Walk): HeaderField[] {
  walk.parts++;
  const end = findHeaderEnd(raw);
  const header = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end);
  const fields = parseHeaderFields(header);
  const ct = libmime.parseHeaderValue(fieldValues(fields, 'Content-Type')[0] ?? 'text/plain');
  const type = (ct.value || 'text/plain').toLowerCase();
  const params = ct.params ?? {};
  const cte = (fieldValues(fields, 'Content-Transfer-Encoding')[0] ?? '').toLowerCase().trim();
  const disposition = libmime.parseHeaderValue(fieldValues(fields, 'Content-Disposition')[0] ?? '');
  const filename = disposition.params?.filename ?? params.name;
  if (filename) {
    const ext = /\.([a-z0-9]{1,10})$/i.exec(decodeHeaderText(filename));
    if (ext) walk.attachments.push(ext[1]!.toLowerCase());
  }
  if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
    const delimiter = `--${params.boundary}`;
    const pieces = body.split(new RegExp(`(?:^|\\r?\\n)${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*(?:\\r?\\n|$)`));
    for (const piece of pieces.slice(1)) {
      if (walk.parts >= MAX_PARTS) break;
      walkEntity(piece, depth + 1, walk);
    }
    return fields;
  }
  if (type === 'message/rfc822' && depth < MAX_DEPTH) {
    walkEntity(body, depth + 1, walk);
    return fields;
  }
  if ((type !== 'text/plain' && type !== 'text/html') || disposition.value?.toLowerCase() === 'attachment') return fields;
  const bytes = cte === 'base64' ? Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64') : cte === 'quoted-printable' ? decodeQuotedPrintable(body) : Buffer.from(body, 'latin1');
  const text = decodeCharset(bytes, params.charset ?? 'utf-8');
  if (type === 'text/html') {
    const html = htmlToText(text);
    addHosts(walk, html.links);
    addText(walk, html.text);
  } else addText(walk, text);
  return fields;
}

/** Read a message (or the first part of one); never throws. */
export function readMessageText(message: Buffer): MessageText {
  const walk: Walk = { text: [], textLength: 0, hosts: new Set(), attachments: [], parts: 0 };
  let fields: HeaderField[] = [];
  try {
    fields = walkEntity(message.toString('latin1'), 0, walk);
  } catch {
    /* keep what was read */
  }
  return {
    subject: decodeHeaderText(fieldValues(fields, 'Subject')[0] ?? ''),
    from: decodeHeaderText(fieldValues(fields, 'From')[0] ?? ''),
    fields,
    text: walk.text.join('\n'),
    urlHosts: [...walk.hosts],
    attachments: walk.attachments,
  };
}
