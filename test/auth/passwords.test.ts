// Password hashes: {ARGON2ID} in the reference parameter order, verified by us and by Dovecot's
// own `doveadm pw -t` (a real peer: the hash must be readable by Dovecot for the outgrow path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalParamOrder, Gate, hashPassword, verifyPassword } from '../../src-mailserver/auth/passwords.js';
import { run } from '../support/processes.js';

test('hashes are {ARGON2ID} PHC strings with p=1 and verify only the right password', async () => {
  const h = await hashPassword('correct horse');
  assert.match(h, /^\{ARGON2ID\}\$argon2id\$v=19\$m=\d+,t=\d+,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  // Above glibc's largest mmap threshold (32 MiB), so the block goes back to the system when freed.
  assert.ok(Number(/m=(\d+)/.exec(h)![1]) * 1024 > 32 * 1024 * 1024);
  assert.equal(await verifyPassword('correct horse', h), true);
  assert.equal(await verifyPassword('correct horsE', h), false);
  assert.equal(await verifyPassword('', h), false);
  assert.equal(await verifyPassword('x', 'garbage'), false);
  await assert.rejects(hashPassword(''));
});

test('parameter order is rewritten to m,t,p', () => {
  assert.equal(canonicalParamOrder('$argon2id$v=19$m=1,p=3,t=2$salt$hash'), '$argon2id$v=19$m=1,t=2,p=3$salt$hash');
});

test('Dovecot verifies our hash (doveadm pw -t)', async () => {
  const h = await hashPassword('pässword with spaces');
  const ok = await run('doveadm', ['pw', '-t', h, '-p', 'pässword with spaces']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /\(verified\)/);
  const bad = await run('doveadm', ['pw', '-t', h, '-p', 'wrong']);
  assert.notEqual(bad.code, 0);
});

test('we verify a hash Dovecot made (doveadm pw -s ARGON2ID)', async () => {
  const made = await run('doveadm', ['pw', '-s', 'ARGON2ID', '-p', 'from dovecot']);
  assert.equal(made.code, 0, made.stderr);
  const h = made.stdout.trim();
  assert.equal(await verifyPassword('from dovecot', h), true);
  assert.equal(await verifyPassword('other', h), false);
});

test('the gate runs at most `max` tasks at once, in arrival order, and frees a slot when a task fails', async () => {
  const gate = new Gate(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const task = (i: number, fail = false) => async () => {
    running++;
    peak = Math.max(peak, running);
    order.push(i);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    if (fail) throw new Error(`task ${i}`);
    return i;
  };
  const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => gate.run(task(i, i === 1))));
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(results[1]!.status, 'rejected');
  assert.deepEqual(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value), [0, 2, 3, 4, 5, 6]);
  assert.equal(gate.active, 0);
  assert.equal(await gate.run(task(7)), 7);
});
