// A short-lived cache of the DNS answers the authentication checks ask for (SPF, DKIM keys,
// DMARC and ARC records): node's resolver keeps none, and a sender's records are the same for
// every message of a burst. Answers and "no such name / no data" are kept for a minute (shorter
// than the TTLs mail domains publish); timeouts and server failures are not kept. Bounded.

export type RecordResolver = (name: string, rrtype: string) => Promise<unknown>;

const KEEP_MS = 60_000;
const MAX_ENTRIES = 20_000;

interface Entry {
  until: number;
  value?: unknown;
  error?: Error & { code?: string };
}

export class DnsAnswerCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** `resolve` wrapped with the cache. */
  wrap(resolve: RecordResolver): RecordResolver {
    return async (name, rrtype) => {
      const key = `${rrtype.toUpperCase()} ${name.toLowerCase()}`;
      const t = this.now();
      const hit = this.entries.get(key);
      if (hit && hit.until > t) {
        this.hits++;
        if (hit.error) throw hit.error;
        return structuredClone(hit.value); // callers may sort or splice what they get
      }
      try {
        const value = await resolve(name, rrtype);
        this.set(key, { until: t + KEEP_MS, value: structuredClone(value) }, t);
        return value;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOTFOUND' || code === 'ENODATA') this.set(key, { until: t + KEEP_MS, error: err as Error }, t);
        throw err;
      }
    };
  }

  private set(key: string, entry: Entry, t: number): void {
    if (this.entries.size >= MAX_ENTRIES) {
      for (const [k, e] of this.entries) if (e.until <= t) this.entries.delete(k);
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    }
    this.entries.set(key, entry);
  }
}
