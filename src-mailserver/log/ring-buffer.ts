// In-memory ring of the most recent log records, read by the admin UI's live log view.
// Holds parsed records; subscribers get each new record as it arrives.

export interface LogRecord {
  level: number;
  time: number;
  msg?: string;
  [field: string]: unknown;
}

export type LogListener = (record: LogRecord) => void;

export class LogRingBuffer {
  private readonly records: (LogRecord | undefined)[];
  private next = 0;
  private count = 0;
  private readonly listeners = new Set<LogListener>();

  constructor(readonly capacity = 20_000) {
    this.records = new Array<LogRecord | undefined>(capacity);
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
    this.records[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    for (const listener of this.listeners) listener(record);
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

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
