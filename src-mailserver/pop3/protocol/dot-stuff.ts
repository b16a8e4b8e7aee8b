// Multi-line POP3 responses (RFC 1939 §3): lines end in CRLF (bare LF in a stored message is
// sent as CRLF), a line starting with `.` gets another `.`, and `.` alone ends the response.
// A streaming transform, so large messages are never held twice in memory; TOP cuts the body
// after n lines.

const DOT = Buffer.from('.');
const LF = Buffer.from('\n');
const CRLF = Buffer.from('\r\n');

export class DotStuffer {
  private atLineStart = true;
  private prevCr = false;
  private inBody = false;
  private bodyLines = 0;
  private lineBlank = true;
  done = false;

  /** `maxBodyLines`: TOP's line count (the header is always sent); undefined for the whole message. */
  constructor(private readonly maxBodyLines?: number) {}

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length && !this.done) {
      if (this.atLineStart) {
        if (this.inBody && this.maxBodyLines !== undefined && this.bodyLines >= this.maxBodyLines) {
          this.done = true;
          break;
        }
        if (chunk[pos] === 0x2e) out.push(DOT);
        this.atLineStart = false;
      }
      const lf = chunk.indexOf(10, pos);
      const end = lf < 0 ? chunk.length : lf;
      if (end > pos) {
        out.push(chunk.subarray(pos, end));
        if (!this.inBody) for (let i = pos; i < end && this.lineBlank; i++) if (chunk[i] !== 13) this.lineBlank = false;
        this.prevCr = chunk[end - 1] === 13;
      }
      if (lf < 0) break;
      out.push(this.prevCr ? LF : CRLF);
      this.prevCr = false;
      this.atLineStart = true;
      if (this.inBody) this.bodyLines++;
      else if (this.lineBlank) this.inBody = true; // the empty line ends the header
      this.lineBlank = true;
      pos = lf + 1;
    }
    return Buffer.concat(out);
  }

  /** The terminating line (with a CRLF first when the data did not end with one). */
  end(): Buffer {
    return Buffer.from(this.atLineStart ? '.\r\n' : '\r\n.\r\n');
  }
}
