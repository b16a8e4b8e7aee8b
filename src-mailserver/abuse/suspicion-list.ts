// Clients that recently gave us reason for suspicion (caught talking before the greeting,
// listed on a blocklist, refused for abuse), remembered for a while so their next connections
// get the early-talker greeting pause. In memory and bounded; a restart forgets.

const MAX_ENTRIES = 100_000;

export class SuspicionList {
  private readonly entries = new Map<string, { reason: string; until: number }>();

  constructor(
    private readonly rememberMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  mark(ip: string, reason: string): void {
    if (this.entries.size >= MAX_ENTRIES) this.prune();
    this.entries.delete(ip);
    this.entries.set(ip, { reason, until: this.now() + this.rememberMs });
  }

  /** Why the client is suspicious, or null. */
  get(ip: string): string | null {
    const e = this.entries.get(ip);
    if (!e) return null;
    if (e.until <= this.now()) {
      this.entries.delete(ip);
      return null;
    }
    return e.reason;
  }

  private prune(): void {
    const t = this.now();
    for (const [ip, e] of this.entries) if (e.until <= t) this.entries.delete(ip);
    // Insertion order is age order: drop the oldest quarter if still full.
    let n = this.entries.size - MAX_ENTRIES * 0.75;
    for (const ip of this.entries.keys()) {
      if (n-- <= 0) break;
      this.entries.delete(ip);
    }
  }
}
