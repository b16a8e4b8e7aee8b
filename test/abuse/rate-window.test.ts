// Sliding-window rates, networks and the suspicion list, on a clock the test moves: limits trip
// at the count, refused events do not count, the window slides, memory stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow } from '../../src-mailserver/abuse/rate-window.js';
import { NetworkList, clientNetwork, parseCidr, plainAddress } from '../../src-mailserver/abuse/ip-networks.js';
import { SuspicionList } from '../../src-mailserver/abuse/suspicion-list.js';
import { UserError } from '../../src-mailserver/common/errors.js';

test('a rate window allows `limit` events per window, refuses the next with the time to wait, and slides', () => {
  let now = 1_000_000;
  const w = new RateWindow(3, 60_000, () => now);
  for (let i = 0; i < 3; i++) assert.equal(w.hit('a').allowed, true);
  const refused = w.hit('a');
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterMs, 60_000);
  assert.equal(w.hit('b').allowed, true, 'keys are separate');
  now += 30_000;
  assert.equal(w.hit('a').allowed, false, 'refusals are not counted but the window has not moved');
  assert.equal(w.count('a'), 3);
  now += 30_001;
  assert.equal(w.hit('a').allowed, true, 'the oldest events aged out');
  assert.equal(w.count('a'), 1);
});

test('a rate window of limit 0 never refuses; many keys stay bounded', () => {
  const off = new RateWindow(0, 1000);
  for (let i = 0; i < 100; i++) assert.equal(off.hit('x').allowed, true);
  let now = 0;
  const w = new RateWindow(1, 10, () => now);
  for (let i = 0; i < 60_000; i++) {
    now++;
    w.hit(`k${i}`);
  }
  assert.ok(w.count('k59999') === 1);
});

test('networks: CIDR lists match IPv4, IPv6 and mapped IPv4; bad entries are UserErrors', () => {
  const list = new NetworkList(['127.0.0.0/8', '::1/128', '2001:db8::/32', '192.0.2.7']);
  assert.equal(list.has('127.1.2.3'), true);
  assert.equal(list.has('::ffff:127.0.0.1'), true);
  assert.equal(list.has('::1'), true);
  assert.equal(list.has('2001:db8:1::5'), true);
  assert.equal(list.has('192.0.2.7'), true);
  assert.equal(list.has('192.0.2.8'), false);
  assert.equal(list.has('not an ip'), false);
  assert.equal(new NetworkList([]).has('127.0.0.1'), false);
  for (const bad of ['127.0.0.0/33', '10.0.0.0/', 'host.example', '::/129', '1.2.3.4/8/9', '1.2.3.4/a']) {
    assert.throws(() => parseCidr(bad), UserError, bad);
  }
  assert.equal(plainAddress('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(clientNetwork('10.1.2.3'), '10.1.2.0/24');
  assert.equal(clientNetwork('::ffff:10.1.2.3'), '10.1.2.0/24');
  assert.equal(clientNetwork('2001:db8:1:2:3:4:5:6'), '2001:0db8:0001:0002::/64');
});

test('suspicion is remembered for a while, then forgotten', () => {
  let now = 0;
  const s = new SuspicionList(1000, () => now);
  s.mark('1.2.3.4', 'early talker');
  assert.equal(s.get('1.2.3.4'), 'early talker');
  assert.equal(s.get('1.2.3.5'), null);
  now = 1001;
  assert.equal(s.get('1.2.3.4'), null);
});

test('the configuration refuses a trusted network that is not ADDR or ADDR/PREFIX', async () => {
  const { ConfigSchema } = await import('../../src-mailserver/config/config.js');
  assert.equal(ConfigSchema.safeParse({ trust: { trustedNetworks: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'] } }).success, true);
  for (const bad of ['10.0.0.0/33', 'lan', '10.0.0.0/8/1', '::/200']) {
    assert.equal(ConfigSchema.safeParse({ trust: { trustedNetworks: [bad] } }).success, false, bad);
  }
});
