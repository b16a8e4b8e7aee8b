// Greylisting on a clock the test moves (RFC 6647): off unless the domain turns it on; the first
// attempt of a triplet is deferred, an early retry too, a retry after the delay passes and is
// remembered; the client network then passes for everyone; stale entries start over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Greylist, greylistSender, setGreylisting } from '../../src-mailserver/abuse/greylist.js';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { makeTempDir } from '../support/temp-dir.js';

async function setup(t: import('node:test').TestContext, autoPassAfter = 1) {
  const dir = await makeTempDir();
  const db = openMailDatabase(dir.path);
  t.after(async () => {
    db.close();
    await dir.remove();
  });
  const directory = new Directory(db);
  const a = directory.domains.add('a.test');
  const b = directory.domains.add('b.test');
  const clock = { now: 1_000_000_000 };
  const grey = new Greylist(db, { delayMs: 300_000, retryWindowMs: 24 * 3600_000, passMs: 36 * 86400_000, autoPassAfter }, () => clock.now);
  setGreylisting(db, a.id, true);
  return { db, grey, clock, a, b };
}

test('off unless turned on for the domain', async (t) => {
  const { grey, b } = await setup(t);
  assert.deepEqual(grey.check({ ip: '192.0.2.1', sender: 'x@y.test', recipient: 'u@b.test', domainId: b.id }), { pass: true, reason: 'disabled' });
});

test('first attempt deferred, early retry deferred, retry after the delay passes and is remembered', async (t) => {
  const { grey, clock, a } = await setup(t, 3);
  const input = { ip: '192.0.2.1', sender: 'Bob@Remote.test', recipient: 'alice@a.test', domainId: a.id };
  const first = grey.check(input);
  assert.equal(first.pass, false);
  assert.equal(first.pass === false && first.reason, 'new');
  clock.now += 60_000;
  const early = grey.check(input);
  assert.equal(early.pass === false && early.retryAfterMs, 240_000);
  clock.now += 241_000;
  assert.deepEqual(grey.check({ ...input, ip: '192.0.2.99' }), { pass: true, reason: 'retried' }, 'same /24, same triplet');
  clock.now += 86400_000;
  assert.deepEqual(grey.check(input), { pass: true, reason: 'known' });
  // Another sender from the same network is not passed yet (autoPassAfter = 3).
  assert.equal(grey.check({ ...input, sender: 'carol@remote.test' }).pass, false);
});

test('auto-pass: after retrying, the client network passes for any sender and recipient', async (t) => {
  const { grey, clock, a } = await setup(t, 1);
  const input = { ip: '2001:db8:1:2::5', sender: 'bob@remote.test', recipient: 'alice@a.test', domainId: a.id };
  grey.check(input);
  clock.now += 301_000;
  assert.equal(grey.check(input).pass, true);
  assert.deepEqual(grey.check({ ...input, ip: '2001:db8:1:2::77', sender: 'new@other.test', recipient: 'z@a.test' }), { pass: true, reason: 'client' });
  assert.equal(grey.check({ ...input, ip: '2001:db8:1:3::5' }).pass, false, 'another /64 is a stranger');
});

test('an attempt never retried within the window is forgotten: a late retry starts over', async (t) => {
  const { grey, clock, a } = await setup(t);
  const input = { ip: '192.0.2.1', sender: 'bob@remote.test', recipient: 'alice@a.test', domainId: a.id };
  grey.check(input);
  clock.now += 25 * 3600_000;
  const late = grey.check(input);
  assert.equal(late.pass === false && late.reason, 'new');
});

test('sender normalisation: case, BATV tags and per-message numbers keep one triplet', () => {
  assert.equal(greylistSender('Bob@Remote.TEST'), 'bob@remote.test');
  assert.equal(greylistSender('prvs=1234abcd=bob@remote.test'), 'bob@remote.test');
  assert.equal(greylistSender('bounce-12345-678@lists.test'), 'bounce-#-#@lists.test');
  assert.equal(greylistSender(''), '');
});
