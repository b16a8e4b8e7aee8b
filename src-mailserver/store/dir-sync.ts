// Group commit for directory fsyncs: concurrent deliveries into one directory share a single
// fsync instead of paying one each. A request made while an fsync is running waits for the next
// one (the running fsync may have started before the caller's rename).
import { open } from 'node:fs/promises';

interface DirState {
  running: Promise<void> | null;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

export class DirSyncer {
  private readonly dirs = new Map<string, DirState>();

  /** `syncDir` is replaceable so tests can count and fail fsyncs. */
  constructor(private readonly syncDir: (dir: string) => Promise<void> = fsyncDir) {}

  /** Resolve once `dir` has been fsync'd after this call was made. */
  sync(dir: string): Promise<void> {
    let state = this.dirs.get(dir);
    if (!state) this.dirs.set(dir, (state = { running: null, waiters: [] }));
    const promise = new Promise<void>((resolve, reject) => state!.waiters.push({ resolve, reject }));
    if (!state.running) this.run(dir, state);
    return promise;
  }

  private run(dir: string, state: DirState): void {
    const batch = state.waiters;
    state.waiters = [];
    state.running = this.syncDir(dir).then(
      () => batch.forEach((w) => w.resolve()),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
    void state.running.finally(() => {
      state.running = null;
      if (state.waiters.length > 0) this.run(dir, state);
      else this.dirs.delete(dir);
    });
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
