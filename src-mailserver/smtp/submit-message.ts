// Receiving a submitted message (RFC 6409 §8): read the header section, check the From addresses
// against the user, add Message-ID, Date and (when absent) From, then stream the message into the
// incoming spool behind our Return-Path and Received, feeding the DKIM signer on the way, so the
// message is read once and signed in the same pass. The signature is kept apart (queue prefix):
// local copies do not need it, remote ones get it ahead of the message.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DkimSigner, DkimSigning } from '../auth/dkim-signer.js';
import { rfc5322Date } from '../common/clock.js';
import { parseAddress } from '../mail/address.js';
import { addressesIn, fieldValues, findHeaderEnd, parseHeaderFields } from '../mail/header-fields.js';
import { SpoolWriter, type SpooledMessage } from '../store/spool.js';

export const MAX_HEADER_BYTES = 1024 * 1024;

export interface SubmissionInput {
  dataDir: string;
  stream: Readable & { sizeExceeded?: boolean };
  /** Return-Path and Received, written first. */
  traceHeaders: string;
  envelopeSender: string;
  hostname: string;
  /** Whether the user may use this header From address. */
  mayUseFrom(address: string): boolean;
  signer: DkimSigner;
  onSignError(err: unknown): void;
}

export type SubmissionResult =
  | {
      ok: true;
      spool: SpooledMessage;
      /** DKIM-Signature fields for remote copies ('' when the From domain has no keys). */
      signature: string;
      messageId: string;
      subject: string | null;
      body8bit: boolean;
      added: string[];
    }
  | { ok: false; reason: 'too-big' | 'header-too-large' | 'no-from' | 'from-not-owned' };

export async function receiveSubmission(input: SubmissionInput): Promise<SubmissionResult> {
  const { stream } = input;
  const chunks: Buffer[] = [];
  let buffered = 0;
  let writer: SpoolWriter | null = null;
  let signing: DkimSigning | null = null;
  let refused: SubmissionResult | null = null;
  let body8bit = false;
  let meta: { messageId: string; subject: string | null; added: string[] } | null = null;

  const startMessage = async (head: Buffer) => {
    const end = findHeaderEnd(head);
    const header = (end < 0 ? head : head.subarray(0, end)).toString('latin1');
    const fields = parseHeaderFields(header);
    const fromValues = fieldValues(fields, 'From');
    const fromAddresses = fromValues.flatMap((v) => addressesIn(Buffer.from(v, 'latin1').toString('utf8')));
    let addedText = '';
    const added: string[] = [];
    if (fromValues.length === 0) {
      if (!input.envelopeSender) return { ok: false as const, reason: 'no-from' as const };
      addedText += `From: <${input.envelopeSender}>\r\n`;
      added.push('From');
      fromAddresses.push(input.envelopeSender);
    } else if (fromAddresses.length === 0 || !fromAddresses.every((a) => input.mayUseFrom(a))) {
      return { ok: false as const, reason: 'from-not-owned' as const };
    }
    let messageId = fieldValues(fields, 'Message-ID')[0];
    if (!messageId) {
      messageId = `<${Date.now().toString(36)}.${randomBytes(9).toString('base64url')}@${input.hostname}>`;
      addedText += `Message-ID: ${messageId}\r\n`;
      added.push('Message-ID');
    }
    if (fieldValues(fields, 'Date').length === 0) {
      addedText += `Date: ${rfc5322Date()}\r\n`;
      added.push('Date');
    }
    const subject = fieldValues(fields, 'Subject')[0];
    meta = { messageId, subject: subject === undefined ? null : Buffer.from(subject, 'latin1').toString('utf8').slice(0, 500), added };
    const fromDomain = parseAddress(fromAddresses[0]!)?.domain;
    const signingDomain = fromDomain ? input.signer.signingDomainFor(fromDomain) : null;
    signing = signingDomain ? input.signer.start(signingDomain, input.onSignError) : null;
    writer = await SpoolWriter.create(input.dataDir);
    await writer.writeHeader(input.traceHeaders);
    const addedBuf = Buffer.from(addedText, 'utf8');
    await writer.write(addedBuf);
    signing?.write(addedBuf);
    return null;
  };

  const writeBody = async (chunk: Buffer) => {
    if (!body8bit && /[\x80-\xff]/.test(chunk.toString('latin1'))) body8bit = true;
    signing?.write(chunk);
    await writer!.write(chunk);
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (stream.sizeExceeded || refused) continue; // drain without storing
      if (!writer) {
        chunks.push(chunk);
        buffered += chunk.length;
        const head = Buffer.concat(chunks);
        if (findHeaderEnd(head) < 0 && buffered <= MAX_HEADER_BYTES) continue;
        if (findHeaderEnd(head) < 0) {
          refused = { ok: false, reason: 'header-too-large' };
          continue;
        }
        refused = await startMessage(head);
        if (!refused) await writeBody(head);
        continue;
      }
      await writeBody(chunk);
    }
    if (!writer && !refused && !stream.sizeExceeded) {
      // A message that is all header (no empty line, no body).
      const head = Buffer.concat(chunks);
      refused = await startMessage(head);
      if (!refused) await writeBody(head);
    }
    const w = writer as SpoolWriter | null;
    if (stream.sizeExceeded || refused) {
      (signing as DkimSigning | null)?.abort();
      await w?.abort();
      return stream.sizeExceeded ? { ok: false, reason: 'too-big' } : refused!;
    }
    const spool = await w!.finish();
    const signature = signing ? await (signing as DkimSigning).end() : '';
    const m = meta!;
    return { ok: true, spool, signature, messageId: m.messageId, subject: m.subject, body8bit, added: m.added };
  } catch (err) {
    (signing as DkimSigning | null)?.abort();
    await (writer as SpoolWriter | null)?.abort();
    throw err;
  }
}
