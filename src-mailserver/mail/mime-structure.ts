// Streaming MIME structure parser (RFC 2045, RFC 2046 §5.1 multipart boundaries, RFC 2046 §5.2
// message/rfc822, RFC 6532 message/global): fed the stored bytes of a message in chunks, it
// returns the part tree with byte offsets of every header and body, body line counts and each
// message's envelope fields, which is all IMAP BODYSTRUCTURE, ENVELOPE and BODY[section] need.
// Memory stays bounded (line prefixes and header blocks are capped); any input gives a tree.
import { decodeHeaderBytes, fieldValue, parseContentType, parseDisposition, parseToken, splitHeaderFields, type HeaderField } from './mime-header.js';
import { parseAddressList, type EnvelopeAddress } from './address-list.js';

export interface MimeEnvelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[];
  sender: EnvelopeAddress[];
  replyTo: EnvelopeAddress[];
  to: EnvelopeAddress[];
  cc: EnvelopeAddress[];
  bcc: EnvelopeAddress[];
  inReplyTo: string | null;
  messageId: string | null;
}

export interface MimePart {
  type: string;
  subtype: string;
  params: [string, string][];
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding as written (lower case); null when absent (7bit). */
  encoding: string | null;
  md5: string | null;
  disposition: { type: string; params: [string, string][] } | null;
  language: string[] | null;
  location: string | null;
  /** Absolute byte offsets in the stored message: header from headerStart, body [bodyStart, bodyEnd). */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  lines: number;
  /** Children of a multipart. */
  parts?: MimePart[];
  /** The encapsulated message of a message/rfc822 part (its header starts at this part's bodyStart). */
  message?: MimePart;
  /** Present on message roots: the top level and each encapsulated message. */
  envelope?: MimeEnvelope;
}

export interface MessageStructure {
  root: MimePart;
  size: number;
  /** Header fields of the top-level message (capped), for the search columns. */
  headerFields: HeaderField[];
}

const MAX_DEPTH = 40;
const MAX_PARTS = 2000;
const HEADER_LINE_CAP = 64 * 1024;
const HEADER_BLOCK_CAP = 256 * 1024;
const BODY_LINE_CAP = 256;

interface Entity {
  part: MimePart;
  state: 'header' | 'body';
  header: Buffer[];
  headerBytes: number;
  kind: 'leaf' | 'multipart' | 'message';
  boundary: Buffer | null;
  epilogue: boolean;
  isMessage: boolean;
  depth: number;
  lfAtBodyStart: number;
  digest: boolean;
  fields?: HeaderField[];
}

function emptyPart(headerStart: number, defaultType: 'text/plain' | 'message/rfc822'): MimePart {
  const [type, subtype] = defaultType.split('/') as [string, string];
  return {
    type,
    subtype,
    params: type === 'text' ? [['charset', 'us-ascii']] : [],
    id: null,
    description: null,
    encoding: null,
    md5: null,
    disposition: null,
    language: null,
    location: null,
    headerStart,
    bodyStart: headerStart,
    bodyEnd: headerStart,
    lines: 0,
  };
}

export function envelopeOf(fields: HeaderField[]): MimeEnvelope {
  const from = parseAddressList(fieldValue(fields, 'from'));
  const sender = parseAddressList(fieldValue(fields, 'sender'));
  const replyTo = parseAddressList(fieldValue(fields, 'reply-to'));
  const nz = (v: string | null) => (v === null || v === '' ? null : v);
  return {
    date: nz(fieldValue(fields, 'date')),
    subject: nz(fieldValue(fields, 'subject')),
    from,
    // RFC 9051 §7.5.2: the server fills in sender and reply-to from from when absent.
    sender: sender.length ? sender : from,
    replyTo: replyTo.length ? replyTo : from,
    to: parseAddressList(fieldValue(fields, 'to')),
    cc: parseAddressList(fieldValue(fields, 'cc')),
    bcc: parseAddressList(fieldValue(fields, 'bcc')),
    inReplyTo: nz(fieldValue(fields, 'in-reply-to')),
    messageId: nz(fieldValue(fields, 'message-id')),
  };
}

export class MimeStructureParser {
  private offset = 0;
  private lineStart = 0;
  private line: Buffer[] = [];
  private lineKept = 0;
  private lineCap = HEADER_LINE_CAP;
  private lfCount = 0;
  private prevEol = 0;
  /** The last two bytes of the current line so far (b1 most recent), to tell CRLF from LF. */
  private b1 = -1;
  private b2 = -1;
  private readonly stack: Entity[] = [];
  private partCount = 1;
  private readonly rootEntity: Entity;
  private finished: MessageStructure | null = null;

  constructor() {
    this.rootEntity = this.newEntity(0, 'text/plain', 0, true);
    this.stack.push(this.rootEntity);
  }

  private newEntity(headerStart: number, defaultType: 'text/plain' | 'message/rfc822', depth: number, isMessage: boolean): Entity {
    return {
      part: emptyPart(headerStart, defaultType),
      state: 'header',
      header: [],
      headerBytes: 0,
      kind: 'leaf',
      boundary: null,
      epilogue: false,
      isMessage,
      depth,
      lfAtBodyStart: 0,
      digest: false,
    };
  }

  write(chunk: Uint8Array): void {
    if (this.finished) throw new Error('parser already ended');
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    while (pos < buf.length) {
      const lf = buf.indexOf(10, pos);
      const end = lf < 0 ? buf.length : lf + 1;
      const room = this.lineCap - this.lineKept;
      if (room > 0) {
        const n = Math.min(room, end - pos);
        this.line.push(buf.subarray(pos, pos + n));
        this.lineKept += n;
      }
      for (let i = Math.max(pos, end - 2); i < end; i++) {
        this.b2 = this.b1;
        this.b1 = buf[i]!;
      }
      this.offset += end - pos;
      pos = end;
      if (lf >= 0) this.endLine(true);
    }
  }

  private endLine(complete: boolean): void {
    const text = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line);
    const length = this.offset - this.lineStart;
    const eol = !complete ? 0 : length >= 2 && this.b2 === 13 ? 2 : 1;
    this.handleLine(text, length, eol);
    if (complete) this.lfCount++;
    this.prevEol = eol;
    this.lineStart = this.offset;
    this.line = [];
    this.lineKept = 0;
    this.b1 = this.b2 = -1;
    const top = this.stack[this.stack.length - 1];
    this.lineCap = top && top.state === 'header' ? HEADER_LINE_CAP : BODY_LINE_CAP;
  }

  private handleLine(text: Buffer, length: number, eol: number): void {
    if (text.length >= 2 && text[0] === 45 && text[1] === 45) {
      for (let i = this.stack.length - 1; i >= 0; i--) {
        const e = this.stack[i]!;
        if (e.kind !== 'multipart' || e.state !== 'body' || e.epilogue || !e.boundary) continue;
        const close = matchBoundary(text, e.boundary);
        if (close === null) continue;
        this.onBoundary(i, close, length);
        return;
      }
    }
    const top = this.stack[this.stack.length - 1]!;
    if (top.state !== 'header') return;
    if (length === eol) {
      this.endHeader(top, this.offset, true);
      return;
    }
    if (top.headerBytes < HEADER_BLOCK_CAP) {
      top.header.push(Buffer.from(text));
      top.headerBytes += text.length;
    }
  }

  /** A boundary of stack[index] at the current line: close what is inside it, open the next part. */
  private onBoundary(index: number, close: boolean, length: number): void {
    // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1).
    const endPos = Math.max(0, this.lineStart - this.prevEol);
    const lfAtEnd = this.lfCount - (this.prevEol > 0 ? 1 : 0);
    while (this.stack.length - 1 > index) this.closeEntity(this.stack.pop()!, endPos, lfAtEnd);
    const parent = this.stack[index]!;
    if (close || this.partCount >= MAX_PARTS) {
      parent.epilogue = true; // past the close delimiter (or too many parts): epilogue
      return;
    }
    this.partCount++;
    const child = this.newEntity(this.lineStart + length, parent.digest ? 'message/rfc822' : 'text/plain', parent.depth + 1, false);
    parent.part.parts!.push(child.part);
    this.stack.push(child);
  }

  private endHeader(e: Entity, bodyStart: number, allowNested: boolean): void {
    e.state = 'body';
    e.lfAtBodyStart = this.lfCount + 1;
    const part = e.part;
    part.bodyStart = bodyStart;
    const fields = splitHeaderFields(decodeHeaderBytes(Buffer.concat(e.header)));
    e.header = [];
    if (e.isMessage) {
      part.envelope = envelopeOf(fields);
      if (e === this.rootEntity) e.fields = fields;
    }
    const ct = parseContentType(fieldValue(fields, 'content-type'));
    if (ct) {
      part.type = ct.type;
      part.subtype = ct.subtype;
      part.params = ct.params;
    }
    part.encoding = parseToken(fieldValue(fields, 'content-transfer-encoding'));
    part.id = fieldValue(fields, 'content-id');
    part.description = fieldValue(fields, 'content-description');
    part.md5 = fieldValue(fields, 'content-md5');
    part.disposition = parseDisposition(fieldValue(fields, 'content-disposition'));
    const language = (fieldValue(fields, 'content-language') ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean);
    part.language = language.length ? language : null;
    part.location = fieldValue(fields, 'content-location');
    const deep = e.depth >= MAX_DEPTH || this.partCount >= MAX_PARTS;
    if (part.type === 'multipart') {
      const boundary = part.params.find(([k]) => k === 'boundary')?.[1];
      part.parts = [];
      if (boundary && !deep) {
        e.kind = 'multipart';
        e.boundary = Buffer.from(boundary, 'utf8');
        e.digest = part.subtype === 'digest';
      }
    } else if (part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global')) {
      const encoded = part.encoding === 'base64' || part.encoding === 'quoted-printable';
      if (!encoded && !deep && allowNested) {
        e.kind = 'message';
        this.partCount++;
        const nested = this.newEntity(bodyStart, 'text/plain', e.depth + 1, true);
        part.message = nested.part;
        this.stack.push(nested);
      }
    }
  }

  private closeEntity(e: Entity, endPos: number, lfAtEnd: number): void {
    // A part opened by a boundary line and closed by the very next line is empty; it sits at the
    // close point so it stays inside its parent.
    if (endPos < e.part.headerStart) e.part.headerStart = endPos;
    if (e.state === 'header') {
      this.endHeader(e, endPos, false);
      e.lfAtBodyStart = lfAtEnd;
    }
    const part = e.part;
    // The CRLF before a boundary may be the one that ended this part's header: keep it inside.
    if (part.bodyStart > endPos) part.bodyStart = endPos;
    part.bodyEnd = Math.max(part.bodyStart, endPos);
    // Lines are counted as Dovecot counts them: the line feeds inside the body.
    part.lines = part.bodyEnd === part.bodyStart ? 0 : Math.max(0, lfAtEnd - e.lfAtBodyStart);
  }

  /** Finish: close every open part at the end of the data and return the tree. */
  end(): MessageStructure {
    if (this.finished) return this.finished;
    if (this.offset > this.lineStart) this.endLine(false);
    while (this.stack.length > 0) this.closeEntity(this.stack.pop()!, this.offset, this.lfCount);
    this.finished = { root: this.rootEntity.part, size: this.offset, headerFields: this.rootEntity.fields ?? [] };
    return this.finished;
  }
}

/** Does `line` start with `--boundary`? true for the close delimiter, false for a part delimiter, null for no match. */
function matchBoundary(line: Buffer, boundary: Buffer): boolean | null {
  const n = boundary.length;
  if (line.length < n + 2) return null;
  if (line.compare(boundary, 0, n, 2, 2 + n) !== 0) return null;
  let i = 2 + n;
  let close = false;
  if (line[i] === 45 && line[i + 1] === 45) {
    close = true;
    i += 2;
  }
  for (; i < line.length; i++) {
    const c = line[i];
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return null;
  }
  return close;
}

/** Parse a whole message held in memory. */
export function parseMimeStructure(message: Uint8Array): MessageStructure {
  const p = new MimeStructureParser();
  p.write(message);
  return p.end();
}
