// Receiving DATA: stage the client's bytes (already dot-unstuffed by smtp-server) in memory or a
// scratch file, showing each chunk to an observer on the way (the trust checks verify and scan
// in the same pass), stop keeping bytes once the size limit is passed, and pick the Message-ID
// out of the header for the log. The caller commits the staged message behind the header
// fields it adds (trace fields, verdicts), which is when it reaches the fsync'd spool.
import type { Readable } from 'node:stream';
import { StagedMessage } from '../store/staged-message.js';

export interface MessageObserver {
  /** Sees every chunk in order; may wait (backpressure). */
  write(chunk: Buffer): Promise<void> | void;
}

export type ReceiveResult = { ok: true; staged: StagedMessage; messageId: string | null } | { ok: false; reason: 'too-big' };

const HEADER_SCAN_LIMIT = 64 * 1024;

export async function receiveMessage(dataDir: string, stream: Readable & { sizeExceeded?: boolean }, observer?: MessageObserver): Promise<ReceiveResult> {
  const staged = StagedMessage.create(dataDir);
  try {
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
      await staged.write(chunk);
      if (observer) await observer.write(chunk);
    }
    if (stream.sizeExceeded) {
      await staged.discard();
      return { ok: false, reason: 'too-big' };
    }
    return { ok: true, staged, messageId: findMessageId(head) };
  } catch (err) {
    await staged.discard();
    throw err;
  }
}

/** The Message-ID field's value from a header block, unfolded; null when absent. */
export function findMessageId(header: string): string | null {
  const m = /(?:^|\r?\n)message-id:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)/i.exec(header);
  if (!m) return null;
  return m[1]!.replace(/\r?\n[ \t]/g, ' ').trim().slice(0, 250) || null;
}
