// The authentication checks' DNS cache: answers and NXDOMAIN/NODATA kept for a minute, failures
// not kept, callers get their own copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsAnswerCache } from '../../src-mailserver/auth/dns-answer-cache.js';

test('answers and missing names are kept for a minute; timeouts are not; copies are independent', async () => {
  let now = 0;
  const cache = new DnsAnswerCache(() => now);
  const asked: string[] = [];
  const resolve = cache.wrap(async (name, type) => {
    asked.push(`${type} ${name}`);
    if (name === 'missing.test') throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
    if (name === 'slow.test') throw Object.assign(new Error('t'), { code: 'ETIMEOUT' });
    return [['v=spf1 -all']];
  });
  const a = (await resolve('Example.test', 'TXT')) as string[][];
  a[0]!.push('mutated');
  assert.deepEqual(await resolve('example.test', 'txt'), [['v=spf1 -all']]);
  await assert.rejects(resolve('missing.test', 'TXT'), /nx/);
  await assert.rejects(resolve('missing.test', 'TXT'), /nx/);
  await assert.rejects(resolve('slow.test', 'TXT'), /t/);
  await assert.rejects(resolve('slow.test', 'TXT'), /t/);
  assert.deepEqual(asked, ['TXT Example.test', 'TXT missing.test', 'TXT slow.test', 'TXT slow.test']);
  now += 60_001;
  await resolve('example.test', 'TXT');
  assert.equal(asked.length, 5, 'asked again after a minute');
  assert.equal(cache.hits, 2);
});
