// Per-mailbox readers-writer lock. Deliveries and appends into a mailbox take it shared (they
// only add new files); changes to existing files (flag renames, expunge, move, mailbox rename
// and delete) take it exclusive, so two of them never race on the same file name. Waiters are
// served in order, so a writer is never starved by a stream of deliveries.

interface LockState {
  readers: number;
  writer: boolean;
  queue: { exclusive: boolean; grant: () => void }[];
}

export class MailboxLocks {
  private readonly locks = new Map<number, LockState>();

  shared<T>(mailboxId: number, fn: () => Promise<T>): Promise<T> {
    return this.run([mailboxId], false, fn);
  }

  exclusive<T>(mailboxId: number, fn: () => Promise<T>): Promise<T> {
    return this.run([mailboxId], true, fn);
  }

  /** Several locks at once, taken in id order (no deadlock between two such callers). */
  async many<T>(wanted: { id: number; exclusive: boolean }[], fn: () => Promise<T>): Promise<T> {
    const merged = new Map<number, boolean>();
    for (const w of wanted) merged.set(w.id, (merged.get(w.id) ?? false) || w.exclusive);
    const order = [...merged.entries()].sort((a, b) => a[0] - b[0]);
    const taken: { id: number; exclusive: boolean }[] = [];
    try {
      for (const [id, exclusive] of order) {
        await this.acquire(id, exclusive);
        taken.push({ id, exclusive });
      }
      return await fn();
    } finally {
      for (const t of taken.reverse()) this.release(t.id, t.exclusive);
    }
  }

  private async run<T>(ids: number[], exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    return this.many(
      ids.map((id) => ({ id, exclusive })),
      fn,
    );
  }

  private state(id: number): LockState {
    let s = this.locks.get(id);
    if (!s) this.locks.set(id, (s = { readers: 0, writer: false, queue: [] }));
    return s;
  }

  private acquire(id: number, exclusive: boolean): Promise<void> {
    const s = this.state(id);
    const free = exclusive ? !s.writer && s.readers === 0 : !s.writer;
    if (free && s.queue.length === 0) {
      if (exclusive) s.writer = true;
      else s.readers++;
      return Promise.resolve();
    }
    return new Promise((resolve) => s.queue.push({ exclusive, grant: resolve }));
  }

  private release(id: number, exclusive: boolean): void {
    const s = this.state(id);
    if (exclusive) s.writer = false;
    else s.readers--;
    while (s.queue.length > 0) {
      const next = s.queue[0]!;
      if (next.exclusive) {
        if (s.writer || s.readers > 0) break;
        s.queue.shift();
        s.writer = true;
        next.grant();
        break;
      }
      if (s.writer) break;
      s.queue.shift();
      s.readers++;
      next.grant();
    }
    if (!s.writer && s.readers === 0 && s.queue.length === 0) this.locks.delete(id);
  }
}
