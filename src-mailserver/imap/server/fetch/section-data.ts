// The bytes a BODY[section] / BINARY[section] fetch returns (RFC 9051 §6.4.5, RFC 3516), cut
// from the stored file by the cached part offsets: whole message, a part's body, its MIME
// header, an encapsulated message's HEADER / TEXT, selected header fields, partial ranges.
import type { FileHandle } from 'node:fs/promises';
import { UserError } from '../../../common/errors.js';
import { selectHeaderFields } from '../../../mail/mime-header.js';
import type { MimePart } from '../../../mail/mime-structure.js';
import { decodeTransferEncoding } from '../../../mail/transfer-encoding.js';
import { readRange } from '../../../store/message-files.js';
import type { Section } from '../../protocol/command-types.js';
import { findPart } from '../../protocol/compose.js';

/** `1.2.HEADER.FIELDS (From To)` — the section as echoed in the response. */
export function sectionText(section: Section): string {
  const parts = section.part.join('.');
  if (!section.text) return parts;
  const text = section.fields.length ? `${section.text} (${section.fields.join(' ')})` : section.text;
  return parts ? `${parts}.${text}` : text;
}

export function needsStructure(section: Section): boolean {
  return section.part.length > 0 || section.text !== null;
}

/** The message a HEADER / TEXT section applies to: the top level or an encapsulated message. */
function targetMessage(root: MimePart, section: Section): MimePart | null {
  if (section.part.length === 0) return root;
  const part = findPart(root, section.part);
  return part?.message ?? null;
}

/** Bytes of a BODY[section]; null when the part does not exist (answered NIL). */
export async function bodySection(fh: FileHandle, size: number, root: MimePart | null, section: Section): Promise<Buffer | null> {
  if (!needsStructure(section)) return readRange(fh, 0, size);
  if (!root) return null;
  if (section.text === 'MIME' || section.text === null) {
    const part = findPart(root, section.part);
    if (!part) return null;
    if (section.text === 'MIME') return readRange(fh, part.headerStart, part.bodyStart - part.headerStart);
    return readRange(fh, part.bodyStart, part.bodyEnd - part.bodyStart);
  }
  const message = targetMessage(root, section);
  if (!message) return Buffer.alloc(0);
  if (section.text === 'TEXT') return readRange(fh, message.bodyStart, message.bodyEnd - message.bodyStart);
  const header = await readRange(fh, message.headerStart, message.bodyStart - message.headerStart);
  if (section.text === 'HEADER') return header;
  return selectHeaderFields(header, section.fields, section.text === 'HEADER.FIELDS.NOT');
}

/** Decoded bytes of a BINARY[section] (RFC 3516 §4.2); UNKNOWN-CTE for encodings we cannot undo. */
export async function binarySection(fh: FileHandle, size: number, root: MimePart | null, section: Section): Promise<Buffer | null> {
  if (section.part.length === 0) return readRange(fh, 0, size);
  if (!root) return null;
  const part = findPart(root, section.part);
  if (!part) return null;
  const raw = await readRange(fh, part.bodyStart, part.bodyEnd - part.bodyStart);
  if (part.parts || part.message) return raw;
  const decoded = decodeTransferEncoding(raw, part.encoding);
  if (!decoded) throw new UserError('Unknown Content-Transfer-Encoding', 'unknowncte');
  return decoded;
}

export function applyPartial(data: Buffer, partial: { start: number; length: number } | null): Buffer {
  if (!partial) return data;
  if (partial.start >= data.length) return Buffer.alloc(0);
  return data.subarray(partial.start, partial.start + partial.length);
}
