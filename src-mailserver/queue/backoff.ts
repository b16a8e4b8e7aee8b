// Retry schedule: exponential backoff with jitter. Attempt n (1-based) waits base * 2^(n-1), at
// most `max`, then a random factor in [0.75, 1.25) spreads retries so a recovering destination is
// not hit by every queued message at once. With the defaults: ~5, 10, 20, 40, 80, 160 min, then 4 h.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function retryDelayMs(policy: BackoffPolicy, attempts: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempts));
  const exponential = policy.baseMs * 2 ** Math.min(n - 1, 40);
  const capped = Math.min(exponential, policy.maxMs);
  return Math.max(1, Math.round(capped * (0.75 + random() * 0.5)));
}

/**
 * When to try a deferred recipient next: after the backoff, but never past the message's expiry,
 * where one last attempt is made before the message is given up.
 */
export function nextAttemptAt(policy: BackoffPolicy, attempts: number, now: number, expiresAt: number, random: () => number = Math.random): number {
  return Math.min(now + retryDelayMs(policy, attempts, random), Math.max(expiresAt, now));
}
