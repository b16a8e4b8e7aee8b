// The shared failed-login limiter: per-IP and per-account thresholds, lockout, doubling backoff,
// expiry, success clearing the failure history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoginLimiter } from '../../src-mailserver/auth/login-limiter.js';

function limiter() {
  let now = 1_000_000;
  const l = new LoginLimiter(
    { ipThreshold: 4, accountThreshold: 3, windowMs: 60_000, ipLockMs: 10_000, accountLockMs: 5_000, maxLockMs: 25_000 },
    () => now,
  );
  return { l, advance: (ms: number) => (now += ms) };
}

test('an account is locked after its threshold, for growing periods, then allowed again', () => {
  const { l, advance } = limiter();
  assert.deepEqual(l.recordFailure('192.0.2.1', 'a@x.test'), { allowed: true });
  l.recordFailure('192.0.2.2', 'a@x.test');
  const lock = l.recordFailure('192.0.2.3', 'a@x.test');
  assert.deepEqual(lock, { allowed: false, scope: 'account', retryAfterMs: 5_000 });
  assert.equal(l.check('192.0.2.9', 'a@x.test').allowed, false);
  assert.equal(l.check('192.0.2.9', 'b@x.test').allowed, true);
  advance(5_001);
  assert.equal(l.check('192.0.2.9', 'a@x.test').allowed, true);
  for (let i = 0; i < 3; i++) l.recordFailure(`192.0.2.${10 + i}`, 'a@x.test');
  const second = l.check('192.0.2.9', 'a@x.test');
  assert.equal(second.allowed, false);
  assert.equal(!second.allowed && second.retryAfterMs, 10_000);
  advance(10_001);
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < 3; i++) l.recordFailure(`192.0.3.${i}`, 'a@x.test');
    advance(30_000);
  }
  for (let i = 0; i < 3; i++) l.recordFailure(`192.0.4.${i}`, 'a@x.test');
  const capped = l.check('192.0.2.9', 'a@x.test');
  assert.equal(!capped.allowed && capped.retryAfterMs, 25_000);
});

test('an IP is locked after its threshold whatever accounts it tries', () => {
  const { l } = limiter();
  for (let i = 0; i < 3; i++) assert.equal(l.recordFailure('198.51.100.7', `u${i}@x.test`).allowed, true);
  const lock = l.recordFailure('198.51.100.7', 'u9@x.test');
  assert.deepEqual(lock, { allowed: false, scope: 'ip', retryAfterMs: 10_000 });
  assert.deepEqual(l.check('198.51.100.7', 'fresh@x.test'), { allowed: false, scope: 'ip', retryAfterMs: 10_000 });
  assert.equal(l.check('198.51.100.8', 'fresh@x.test').allowed, true);
});

test('failures outside the window are forgotten; a success clears the history', () => {
  const { l, advance } = limiter();
  l.recordFailure('192.0.2.1', 'a@x.test');
  l.recordFailure('192.0.2.1', 'a@x.test');
  advance(61_000);
  assert.equal(l.recordFailure('192.0.2.1', 'a@x.test').allowed, true);
  l.recordFailure('192.0.2.1', 'a@x.test');
  l.recordSuccess('192.0.2.1', 'a@x.test');
  assert.equal(l.recordFailure('192.0.2.1', 'a@x.test').allowed, true);
  assert.equal(l.recordFailure('192.0.2.1', 'a@x.test').allowed, true);
});
