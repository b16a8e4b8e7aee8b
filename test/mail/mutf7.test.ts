// Modified UTF-7 (RFC 3501 §5.1.3): the examples of the RFC and Dovecot's folder names, round
// trips of arbitrary Unicode, and refusal of malformed encodings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMutf7, encodeMutf7 } from '../../src-mailserver/mail/mutf7.js';
import { prng } from '../support/random.js';

test('mutf7: known encodings', () => {
  assert.equal(encodeMutf7('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  assert.equal(encodeMutf7('Entwürfe'), 'Entw&APw-rfe');
  assert.equal(encodeMutf7('A&B'), 'A&-B');
  assert.equal(decodeMutf7('Entw&APw-rfe'), 'Entwürfe');
  assert.equal(decodeMutf7('&-'), '&');
  assert.equal(decodeMutf7('&U,BTFw-'), '台北');
  for (const bad of ['&', '&AGE-', '&Jjo!', '\u00e9', '&ZeVnLIqe', '&2D0-']) assert.equal(decodeMutf7(bad), null, bad);
});

test('mutf7: round trips', () => {
  const rand = prng(5);
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const n = Math.floor(rand() * 12);
    for (let j = 0; j < n; j++) {
      const r = rand();
      s += r < 0.5 ? String.fromCharCode(0x20 + Math.floor(rand() * 95)) : r < 0.9 ? String.fromCharCode(0xa0 + Math.floor(rand() * 0x2000)) : '😀';
    }
    assert.equal(decodeMutf7(encodeMutf7(s)), s);
  }
});
