// Password hashes: {ARGON2ID} in the reference parameter order, verified by us and by Dovecot's
// own `doveadm pw -t` (a real peer: the hash must be readable by Dovecot for the outgrow path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalParamOrder, hashPassword, verifyPassword } from '../../src-mailserver/auth/passwords.js';
import { run } from '../support/processes.js';

test('hashes are {ARGON2ID} PHC strings with p=1 and verify only the right password', async () => {
  const h = await hashPassword('correct horse');
  assert.match(h, /^\{ARGON2ID\}\$argon2id\$v=19\$m=\d+,t=\d+,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
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
