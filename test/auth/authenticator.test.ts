// The Authenticator: right and wrong passwords, unknown users, disabled accounts, and the shared
// limiter locking an account out after repeated failures (and logging it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src-mailserver/directory/database.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { ALL_MIGRATIONS } from '../../src-mailserver/schema.js';
import { Authenticator } from '../../src-mailserver/auth/authenticator.js';
import { LoginLimiter, DEFAULT_LIMITER_POLICY } from '../../src-mailserver/auth/login-limiter.js';
import { createServerLog } from '../../src-mailserver/log/logger.js';
import { testHash } from '../support/test-server.js';

test('authenticate: success, failures, disabled, lockout', async () => {
  const d = new Directory(openDatabase(':memory:', ALL_MIGRATIONS));
  d.domains.add('example.test');
  d.accounts.add({ address: 'alice@example.test', passwordHash: await testHash('right') });
  const log = createServerLog({ stdout: false });
  const auth = new Authenticator(d.accounts, new LoginLimiter({ ...DEFAULT_LIMITER_POLICY, accountThreshold: 3 }), log.logger);
  const base = { ip: '192.0.2.1', proto: 'test' };
  const ok = await auth.authenticate({ ...base, username: 'Alice@Example.TEST', password: 'right' });
  assert.equal(ok.ok && ok.account.address, 'alice@example.test');
  assert.deepEqual(await auth.authenticate({ ...base, username: 'alice@example.test', password: 'wrong' }), { ok: false, reason: 'invalid' });
  assert.deepEqual(await auth.authenticate({ ...base, username: 'ghost@example.test', password: 'right' }), { ok: false, reason: 'invalid' });
  await auth.authenticate({ ...base, username: 'alice@example.test', password: 'wrong' });
  await auth.authenticate({ ...base, username: 'alice@example.test', password: 'wrong' });
  const locked = await auth.authenticate({ ...base, ip: '192.0.2.2', username: 'alice@example.test', password: 'right' });
  assert.equal(locked.ok, false);
  assert.equal(!locked.ok && locked.reason, 'locked');
  const records = log.ring.recent();
  assert.ok(records.some((r) => r.msg === 'login failed' && r.user === 'alice@example.test'));
  assert.ok(records.some((r) => r.msg === 'login refused: locked out'));
  assert.ok(!JSON.stringify(records).includes('wrong'), 'passwords never reach the log');

  const fresh = new Authenticator(d.accounts, new LoginLimiter(), log.logger);
  d.accounts.setDisabled('alice@example.test', true);
  assert.deepEqual(await fresh.authenticate({ ...base, username: 'alice@example.test', password: 'right' }), { ok: false, reason: 'disabled' });
});
