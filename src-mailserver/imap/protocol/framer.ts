// IMAP framing (RFC 9051 §2.2, §4.3 literals; RFC 7888 LITERAL+; RFC 3516 literal8): splits the
// client's byte stream into whole commands, literals included inline exactly as sent, so the
// parser sees one buffer per command. Asks for a continuation (`+`) before each synchronizing
// literal and enforces the line and literal limits: an oversized line or literal abandons the
// command (a synchronizing literal is then never requested; a non-synchronizing one is read and
// dropped). In line mode (AUTHENTICATE responses, IDLE's DONE) each line is handed over raw.

export interface FramerLimits {
  /** Longest command line, literals not counted. */
  maxLine: number;
  /** Largest literal in commands other than APPEND. */
  maxLiteral: number;
  /** Largest literal in APPEND (the message). */
  maxAppendLiteral: number;
}

export type FrameEvent =
  | { kind: 'command'; data: Buffer }
  | { kind: 'line'; data: Buffer }
  | { kind: 'continue' }
  | { kind: 'tooBig'; head: Buffer; what: 'line' | 'literal' };

const LITERAL_AT_END = /(~?)\{(\d{1,20})(\+?)\}\r?\n$/;

export class ImapFramer {
  /** When true, the next complete line is delivered raw as a `line` event (then it turns off). */
  lineMode = false;
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private textBytes = 0;
  private literalRemaining = 0;
  private discardBytes = 0;
  private discardLine = false;

  constructor(private readonly limits: FramerLimits) {}

  /** Bytes of the current incomplete command held in memory. */
  get buffered(): number {
    return this.pending.length + this.parts.reduce((n, p) => n + p.length, 0);
  }

  push(chunk: Buffer): FrameEvent[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const events: FrameEvent[] = [];
    for (;;) {
      const event = this.step();
      if (event === null) break;
      if (event !== 'progress') events.push(event);
    }
    return events;
  }

  /** Process what can be processed; null when more input is needed. */
  private step(): FrameEvent | 'progress' | null {
    if (this.pending.length === 0) return null;
    if (this.discardBytes > 0) {
      const n = Math.min(this.discardBytes, this.pending.length);
      this.discardBytes -= n;
      this.pending = this.pending.subarray(n);
      return 'progress';
    }
    if (this.literalRemaining > 0) {
      const n = Math.min(this.literalRemaining, this.pending.length);
      this.parts.push(Buffer.from(this.pending.subarray(0, n)));
      this.literalRemaining -= n;
      this.pending = this.pending.subarray(n);
      return 'progress';
    }
    const lf = this.pending.indexOf(10);
    if (lf < 0) {
      if (this.pending.length + this.textBytes > this.limits.maxLine) {
        const head = this.head(this.pending);
        this.reset();
        this.discardLine = true;
        this.pending = Buffer.alloc(0);
        return { kind: 'tooBig', head, what: 'line' };
      }
      return null;
    }
    const line = this.pending.subarray(0, lf + 1);
    this.pending = this.pending.subarray(lf + 1);
    if (this.discardLine) {
      this.discardLine = false;
      return 'progress';
    }
    if (this.lineMode && this.parts.length === 0) {
      this.lineMode = false; // one line per request
      return { kind: 'line', data: Buffer.from(stripEol(line)) };
    }
    if (this.textBytes + line.length > this.limits.maxLine) {
      const head = this.head(line);
      this.reset();
      return { kind: 'tooBig', head, what: 'line' };
    }
    const m = LITERAL_AT_END.exec(line.subarray(Math.max(0, line.length - 32)).toString('latin1'));
    if (m) {
      const size = Number(m[2]);
      const sync = m[3] !== '+';
      const first = this.parts.length ? this.parts[0]! : line;
      const limit = /^\S+ +(UID +)?APPEND /i.test(first.subarray(0, 64).toString('latin1')) ? this.limits.maxAppendLiteral : this.limits.maxLiteral;
      if (size > limit) {
        const head = this.head(line);
        this.reset();
        if (!sync) {
          this.discardBytes = size;
          this.discardLine = true;
        }
        return { kind: 'tooBig', head, what: 'literal' };
      }
      this.parts.push(Buffer.from(line));
      this.textBytes += line.length;
      this.literalRemaining = size;
      if (size === 0) this.literalRemaining = 0;
      return sync ? { kind: 'continue' } : 'progress';
    }
    if (this.parts.length === 0 && stripEol(line).length === 0) return 'progress'; // an empty line (iOS): ignore
    this.parts.push(stripEol(line));
    const data = Buffer.concat(this.parts);
    this.reset();
    return { kind: 'command', data };
  }

  private head(last: Buffer): Buffer {
    const first = this.parts.length ? this.parts[0]! : last;
    return Buffer.from(first.subarray(0, 200));
  }

  private reset(): void {
    this.parts = [];
    this.textBytes = 0;
    this.literalRemaining = 0;
  }
}

function stripEol(line: Buffer): Buffer {
  let end = line.length;
  if (end > 0 && line[end - 1] === 10) end--;
  if (end > 0 && line[end - 1] === 13) end--;
  return line.subarray(0, end);
}
