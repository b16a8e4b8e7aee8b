// The retry schedule: doubling from the base, capped, jittered within ±25 %, never past expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextAttemptAt, retryDelayMs } from '../../src-mailserver/queue/backoff.js';

const policy = { baseMs: 300_000, maxMs: 4 * 3600_000 };

test('delays double from the base and stop at the maximum', () => {
  const mid = () => 0.5; // no jitter
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 20, 1000].map((n) => retryDelayMs(policy, n, mid) / 60_000),
    [5, 10, 20, 40, 80, 160, 240, 240, 240, 240],
  );
});

test('jitter stays within 75 %..125 % and spreads retries', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const d = retryDelayMs(policy, 3);
    assert.ok(d >= 0.75 * 1_200_000 && d <= 1.25 * 1_200_000, String(d));
    seen.add(Math.round(d / 10_000));
  }
  assert.ok(seen.size > 20, 'not all the same');
});

test('the next attempt is never later than the expiry, where one last attempt is made', () => {
  const now = 1_000_000;
  assert.equal(nextAttemptAt(policy, 1, now, now + 60_000, () => 0.5), now + 60_000);
  assert.equal(nextAttemptAt(policy, 1, now, now + 3600_000, () => 0.5), now + 300_000);
  assert.equal(nextAttemptAt(policy, 9, now, now - 5, () => 0.5), now, 'already expired: now');
});
