// Pure checks of the spam rules: RFC 5322 dates (modern and obsolete forms, impossible dates),
// Message-IDs, the Date / Message-ID rule hits, and HELO names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDateAndMessageId, isValidMessageId, parseRfc5322Date } from '../../src-mailserver/spam/header-checks.js';
import { checkHelo } from '../../src-mailserver/spam/helo-checks.js';
import { parseHeaderFields } from '../../src-mailserver/mail/header-fields.js';

test('RFC 5322 dates: modern, obsolete zones and years, comments; malformed and impossible ones are null', () => {
  const utc = Date.UTC(2024, 0, 2, 3, 4, 5);
  assert.equal(parseRfc5322Date('Tue, 2 Jan 2024 03:04:05 +0000'), utc);
  assert.equal(parseRfc5322Date('2 Jan 2024 04:04:05 +0100'), utc);
  assert.equal(parseRfc5322Date('Tue, 02 Jan 2024 03:04:05 +0000 (UTC)'), utc);
  assert.equal(parseRfc5322Date('Mon, 1 Jan 2024 22:04:05 EST'), utc);
  assert.equal(parseRfc5322Date('Tue, 2 Jan 24 03:04:05 GMT'), utc);
  assert.equal(parseRfc5322Date('Tue, 2 Jan 2024 03:04 +0000'), utc - 5000);
  for (const bad of ['', 'yesterday', '2024-01-02T03:04:05Z', 'Tue, 30 Feb 2024 03:04:05 +0000', 'Tue, 2 Foo 2024 03:04:05 +0000', 'Tue, 2 Jan 2024 25:04:05 +0000', 'Tue, 2 Jan 2024 03:04:05 +0099', 'Tue, 2 Jan 2024 03:04:05 XYZ']) {
    assert.equal(parseRfc5322Date(bad), null, bad);
  }
});

test('Message-IDs', () => {
  for (const ok of ['<a@b>', '<1234.abc@mail.example.com>', ' <x.y+z@[127.0.0.1]> ', '<a@b> (comment)']) assert.equal(isValidMessageId(ok), true, ok);
  for (const bad of ['a@b', '<ab>', '<a b@c>', '<a@b', '', '<@b>']) assert.equal(isValidMessageId(bad), false, bad);
});

test('Date / Message-ID rules: missing, repeated, malformed, future, past', () => {
  const now = Date.UTC(2024, 5, 1);
  const rules = (header: string) => checkDateAndMessageId(parseHeaderFields(header), now).map((h) => h.rule);
  assert.deepEqual(rules('Subject: x'), ['DATE_MISSING', 'MSGID_MISSING']);
  assert.deepEqual(rules('Date: Sat, 1 Jun 2024 00:00:00 +0000\r\nMessage-ID: <a@b>'), []);
  assert.deepEqual(rules('Date: Sat, 1 Jun 2024 00:00:00 +0000\r\nDate: Sat, 1 Jun 2024 00:00:00 +0000\r\nMessage-ID: <a@b>\r\nMessage-ID: <c@d>'), ['DATE_INVALID', 'MSGID_INVALID']);
  assert.deepEqual(rules('Date: Mon, 3 Jun 2024 00:00:01 +0000\r\nMessage-ID: <a@b>'), ['DATE_IN_FUTURE']);
  assert.deepEqual(rules('Date: Wed, 1 May 2024 00:00:00 +0000\r\nMessage-ID: <a@b>'), ['DATE_IN_PAST']);
  assert.deepEqual(rules('Date: soon\r\nMessage-ID: nope'), ['DATE_INVALID', 'MSGID_INVALID']);
});

test('HELO checks', () => {
  const ours = { hostname: 'mail.example.test', domains: ['example.test'], addresses: ['203.0.113.5'] };
  const rules = (helo: string, ip = '198.51.100.7') => checkHelo(helo, ip, ours).map((h) => h.rule);
  assert.deepEqual(rules('mx.remote.test'), []);
  assert.deepEqual(rules('MX.Remote.Test.'), []);
  assert.deepEqual(rules('localhost'), ['HELO_NOT_FQDN']);
  assert.deepEqual(rules('bad_name!.test'), ['HELO_NOT_FQDN']);
  assert.deepEqual(rules('host.123'), ['HELO_NOT_FQDN']);
  assert.deepEqual(rules('mail.example.test'), ['HELO_CLAIMS_US']);
  assert.deepEqual(rules('example.test'), ['HELO_CLAIMS_US']);
  assert.deepEqual(rules('[198.51.100.7]'), []);
  assert.deepEqual(rules('[198.51.100.8]'), ['HELO_IP_MISMATCH']);
  assert.deepEqual(rules('[203.0.113.5]'), ['HELO_IP_MISMATCH', 'HELO_CLAIMS_US']);
  assert.deepEqual(rules('198.51.100.7'), ['HELO_BARE_IP']);
  assert.deepEqual(rules('198.51.100.9'), ['HELO_BARE_IP', 'HELO_IP_MISMATCH']);
  assert.deepEqual(rules('[IPv6:2001:db8::1]', '2001:db8:0::1'), []);
  assert.deepEqual(rules('[IPv6:2001:db8::2]', '2001:db8::1'), ['HELO_IP_MISMATCH']);
  assert.deepEqual(rules('[127.0.0.1]', '::ffff:127.0.0.1'), []);
  assert.deepEqual(rules('[garbage]'), ['HELO_NOT_FQDN']);
});
