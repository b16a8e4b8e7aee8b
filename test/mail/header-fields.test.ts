// Header section reading: the end of the header (CRLF and LF), unfolding, address lists; random
// input never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { addressesIn, fieldValues, findHeaderEnd, parseHeaderFields } from '../../src-mailserver/mail/header-fields.js';

test('the header ends at the first empty line, CRLF or LF; -1 while it has not ended', () => {
  assert.equal(findHeaderEnd('A: 1\r\nB: 2\r\n\r\nbody'), 14);
  assert.equal(findHeaderEnd('A: 1\nB: 2\n\nbody'), 11);
  assert.equal(findHeaderEnd('\r\nbody'), 2);
  assert.equal(findHeaderEnd('A: 1\r\nB: 2\r\n'), -1);
  assert.equal(findHeaderEnd(Buffer.from('X: y\r\n\r\n')), 8);
});

test('fields are unfolded and looked up case-insensitively; junk lines are skipped', () => {
  const fields = parseHeaderFields('Subject: a long\r\n\tsubject line\r\nFROM: Alice <a@x.test>\r\nnot a field\r\nX-Empty:\r\n');
  assert.deepEqual(fields, [
    { name: 'Subject', value: 'a long subject line' },
    { name: 'FROM', value: 'Alice <a@x.test>' },
    { name: 'X-Empty', value: '' },
  ]);
  assert.deepEqual(fieldValues(fields, 'from'), ['Alice <a@x.test>']);
});

test('address lists: display names, groups, comments, several mailboxes', () => {
  assert.deepEqual(addressesIn('"Smith, Alice" <alice@x.test>, bob@y.test (Bob)'), ['alice@x.test', 'bob@y.test']);
  assert.deepEqual(addressesIn('Team: a@x.test, b@x.test;'), ['a@x.test', 'b@x.test']);
  assert.deepEqual(addressesIn('undisclosed-recipients:;'), []);
});

test('fuzz: random header text never throws', () => {
  for (let i = 0; i < 3000; i++) {
    const text = randomBytes(Math.floor(Math.random() * 200)).toString('latin1');
    findHeaderEnd(text);
    for (const f of parseHeaderFields(text)) addressesIn(f.value);
    addressesIn(text);
  }
});
