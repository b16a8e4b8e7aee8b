// The Authentication-Results field (RFC 8601): values quoted when they are not tokens or
// addresses, comments escaped, folding; random text in any part never breaks out of its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { authComment, authValue, formatAuthenticationResults } from '../../src-mailserver/auth/auth-results.js';

test('format: authserv-id, one entry per line, quoting and escaping', () => {
  const field = formatAuthenticationResults('mail.example.test', [
    { method: 'dkim', result: 'pass', props: [['header.i', '@example.com'], ['header.b', 'ab/c+d=']] },
    { method: 'spf', result: 'fail', comment: 'bad (really) \\ sender', props: [['smtp.mailfrom', 'a b@example.com']] },
    { method: 'dmarc', result: 'none', props: [['header.from', '']] },
  ]);
  assert.equal(
    field,
    'Authentication-Results: mail.example.test;\r\n' +
      '\tdkim=pass header.i=@example.com header.b="ab/c+d=";\r\n' +
      '\tspf=fail (bad \\(really\\) \\\\ sender) smtp.mailfrom="a b@example.com";\r\n' +
      '\tdmarc=none\r\n',
  );
  assert.equal(formatAuthenticationResults('mx', []), 'Authentication-Results: mx; none\r\n');
  assert.equal(authValue('bob@example.com'), 'bob@example.com');
  assert.equal(authValue('token-1.2'), 'token-1.2');
  assert.equal(authValue('with"quote'), '"with\\"quote"');
});

test('long entries fold onto continuation lines', () => {
  const field = formatAuthenticationResults('mx.example', [{ method: 'spf', result: 'pass', comment: 'x '.repeat(100), props: [['smtp.mailfrom', 'a@b.c']] }]);
  for (const line of field.split('\r\n')) assert.ok(line.length <= 78, line);
  // A real entry: SPF's comment and a long HELO name, as mailauth words it.
  const spf = formatAuthenticationResults('mail.example.test', [
    {
      method: 'spf',
      result: 'fail',
      comment: 'mail.example.test: domain of postmaster@mail.quarantine.test does not designate 127.0.179.12 as permitted sender',
      props: [['smtp.helo', 'mail.quarantine.test']],
    },
    { method: 'dmarc', result: 'fail', comment: 'p=QUARANTINE arc=none', props: [['header.from', 'quarantine.test']] },
  ]);
  for (const line of spf.split('\r\n')) assert.ok(line.length <= 78, line);
  assert.match(spf.replace(/\r\n[ \t]+/g, ' '), /spf=fail \(mail\.example\.test: domain of postmaster@mail\.quarantine\.test does not designate 127\.0\.179\.12 as permitted sender\) smtp\.helo=mail\.quarantine\.test; dmarc=fail/);
});

test('random text in comments, values and names never makes a new field or breaks a line', () => {
  for (let i = 0; i < 3000; i++) {
    const r = () => randomBytes(1 + (i % 60)).toString('latin1');
    const field = formatAuthenticationResults(r(), [{ method: r(), result: r(), comment: r(), props: [[r(), r()]] }]);
    const lines = field.split('\r\n');
    assert.equal(lines.pop(), '');
    assert.match(lines[0]!, /^Authentication-Results: /);
    for (const line of lines.slice(1)) assert.match(line, /^[\t ]/, 'continuation lines only');
    assert.doesNotMatch(field.replace(/\r\n/g, ''), /[\r\n\x00]/);
    assert.doesNotMatch(authComment(r()), /(?<!\\)[()]/);
  }
});
