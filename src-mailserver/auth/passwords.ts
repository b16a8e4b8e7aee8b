// Password hashing in a scheme Dovecot reads as-is: `{ARGON2ID}` + the PHC string
// (`$argon2id$v=19$m=...,t=...,p=1$salt$hash`). Parallelism is 1 because Dovecot verifies with
// libsodium, which accepts only p=1. Verification also accepts a bare argon2 PHC string.
// At most one hash per core runs at a time: more would only share the cores, and a burst of
// logins (the thread pool has 64 threads) would need 46 MiB each at once.
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';

const SCHEME = '{ARGON2ID}';
// OWASP's argon2id configuration of 46 MiB, 1 pass, 1 lane (equivalent to its 19 MiB, 2 passes):
// glibc serves a block above 32 MiB with mmap and returns it to the system when freed, while a
// 19 MiB block stays in the allocator of whichever thread-pool thread ran the hash (measured by
// `npm run bench`: 1,000 IMAP logins left ~85 MB behind; now ~4 MB).
const PARAMS = { type: argon2.argon2id, memoryCost: 47_104, timeCost: 1, parallelism: 1 } as const;

/** Runs at most `max` tasks at once, the rest in arrival order. */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  get active(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

export const argon2Gate = new Gate(Math.max(1, availableParallelism()));

export async function hashPassword(password: string): Promise<string> {
  if (!password) throw new Error('empty password');
  return SCHEME + canonicalParamOrder(await argon2Gate.run(() => argon2.hash(password, PARAMS)));
}

/**
 * The argon2 package writes the parameters as `m=,p=,t=`; libsodium (and so Dovecot) parses
 * only the reference order `m=,t=,p=`. Rewrite to the reference order.
 */
export function canonicalParamOrder(phc: string): string {
  return phc.replace(/\$((?:[mpt]=\d+,?){3})\$/, (_whole, params: string) => {
    const map = new Map(params.split(',').map((kv) => kv.split('=') as [string, string]));
    return `$m=${map.get('m')},t=${map.get('t')},p=${map.get('p')}$`;
  });
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const phc = stored.startsWith(SCHEME) ? stored.slice(SCHEME.length) : stored;
  if (!phc.startsWith('$argon2')) return false;
  try {
    return await argon2Gate.run(() => argon2.verify(phc, password));
  } catch {
    return false;
  }
}
