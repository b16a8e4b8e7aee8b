// Sliding-window event counters per key (a client address): at most `limit` events in any
// `windowMs`. Refused events are not counted, so a client that backs off recovers once its
// accepted events age out, as Postfix's anvil rate limits do. In memory, bounded.

export interface RateVerdict {
  allowed: boolean;
  /** Events in the window, this one included when allowed. */
  count: number;
  /** When refused: how long until one more event would be allowed. */
  retryAfterMs: number;
}

const MAX_KEYS = 50_000;

export class RateWindow {
  /** Per key, the times of the accepted events in the window, oldest first. */
  private readonly events = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Count one event for `key` if the limit allows it. A limit of 0 means no limit. */
  hit(key: string, weight = 1): RateVerdict {
    if (this.limit <= 0) return { allowed: true, count: 0, retryAfterMs: 0 };
    const t = this.now();
    const times = this.recent(key, t);
    if (times.length + weight > this.limit) {
      const oldest = times[Math.max(0, times.length + weight - this.limit - 1)] ?? t;
      return { allowed: false, count: times.length, retryAfterMs: Math.max(1, oldest + this.windowMs - t) };
    }
    for (let i = 0; i < weight; i++) times.push(t);
    if (!this.events.has(key)) {
      if (this.events.size >= MAX_KEYS) this.prune(t);
      this.events.set(key, times);
    }
    return { allowed: true, count: times.length, retryAfterMs: 0 };
  }

  /** Events currently counted for `key`. */
  count(key: string): number {
    return this.recent(key, this.now()).length;
  }

  private recent(key: string, t: number): number[] {
    const times = this.events.get(key);
    if (!times) return [];
    let drop = 0;
    while (drop < times.length && times[drop]! <= t - this.windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length === 0) this.events.delete(key);
    return times;
  }

  private prune(t: number): void {
    for (const key of [...this.events.keys()]) this.recent(key, t);
    // Still full of active clients: forget the oldest half rather than grow without bound.
    if (this.events.size >= MAX_KEYS) {
      let n = 0;
      for (const key of this.events.keys()) {
        if (n++ >= MAX_KEYS / 2) break;
        this.events.delete(key);
      }
    }
  }
}
