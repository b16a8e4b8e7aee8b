// In-memory ring of the most recent log records, read by the admin UI's live log view.
// Holds parsed records; subscribers get each new record as it arrives. Each record gets a sequence
// number (1, 2, 3 ... since start) so a reader can join history and the live stream without gaps.

export interface LogRecord {
  level: number;
  time: number;
  msg?: string;
  [field: string]: unknown;
}

export type LogListener = (record: LogRecord, seq: number) => void;

export interface LogEntry {
  seq: number;
  record: LogRecord;
}

export class LogRingBuffer {
  private readonly records: (LogRecord | undefined)[];
  private readonly seqs: Float64Array;
  private next = 0;
  private count = 0;
  private total = 0;
  private readonly listeners = new Set<LogListener>();

  constructor(readonly capacity = 20_000) {
    this.records = new Array<LogRecord | undefined>(capacity);
    this.seqs = new Float64Array(capacity);
  }

  /** Sequence number of the newest record (0 before the first). */
  get lastSeq(): number {
    return this.total;
  }

  /** A writable-stream-like sink for pino: one serialized JSON line per call. */
  write(line: string): void {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      return;
    }
    this.push(record);
  }

  push(record: LogRecord): void {
    const seq = ++this.total;
    this.records[this.next] = record;
    this.seqs[this.next] = seq;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    for (const listener of this.listeners) listener(record, seq);
  }

  /** The newest `limit` records (oldest first) matching `filter`. */
  recent(limit = this.capacity, filter?: (r: LogRecord) => boolean): LogRecord[] {
    const out: LogRecord[] = [];
    for (let i = 0; i < this.count && out.length < limit; i++) {
      const idx = (this.next - 1 - i + this.capacity) % this.capacity;
      const record = this.records[idx];
      if (record && (!filter || filter(record))) out.push(record);
    }
    return out.reverse();
  }

  /** The newest `limit` entries (oldest first) with a sequence number below `beforeSeq` matching `filter`. */
  entries(limit = this.capacity, filter?: (r: LogRecord) => boolean, beforeSeq = Infinity): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = 0; i < this.count && out.length < limit; i++) {
      const idx = (this.next - 1 - i + this.capacity) % this.capacity;
      const record = this.records[idx];
      const seq = this.seqs[idx]!;
      if (record && seq < beforeSeq && (!filter || filter(record))) out.push({ seq, record });
    }
    return out.reverse();
  }

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
