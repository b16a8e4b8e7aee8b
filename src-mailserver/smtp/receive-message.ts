// Receiving DATA: stream the client's bytes (already dot-unstuffed by smtp-server) into the
// incoming spool behind our trace fields, stop writing once the size limit is passed, and pick
// the Message-ID out of the header for the log.
import type { Readable } from 'node:stream';
import { SpoolWriter, type SpooledMessage } from '../store/spool.js';

export type ReceiveResult = { ok: true; spool: SpooledMessage; messageId: string | null } | { ok: false; reason: 'too-big' };

const HEADER_SCAN_LIMIT = 64 * 1024;

export async function receiveMessage(
  dataDir: string,
  stream: Readable & { sizeExceeded?: boolean },
  traceHeaders: string,
): Promise<ReceiveResult> {
  const writer = await SpoolWriter.create(dataDir);
  try {
    await writer.writeHeader(traceHeaders);
    let head = '';
    let headDone = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (stream.sizeExceeded) continue; // drain without storing
      if (!headDone) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0 || head.length > HEADER_SCAN_LIMIT) {
          headDone = true;
          if (end >= 0) head = head.slice(0, end + 2);
        }
      }
      await writer.write(chunk);
    }
    if (stream.sizeExceeded) {
      await writer.abort();
      return { ok: false, reason: 'too-big' };
    }
    const spool = await writer.finish();
    return { ok: true, spool, messageId: findMessageId(head) };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/** The Message-ID field's value from a header block, unfolded; null when absent. */
export function findMessageId(header: string): string | null {
  const m = /(?:^|\r?\n)message-id:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)/i.exec(header);
  if (!m) return null;
  return m[1]!.replace(/\r?\n[ \t]/g, ' ').trim().slice(0, 250) || null;
}
