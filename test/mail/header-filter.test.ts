// Removing header fields byte-exactly: folded fields go whole, everything else is untouched, a
// header that does not end is left alone; random input never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { removeHeaderFields } from '../../src-mailserver/mail/header-filter.js';

const dropSpam = (name: string) => name.toLowerCase().startsWith('x-spam-');

test('folded fields are removed whole; other bytes are kept exactly', () => {
  const input = Buffer.from('X-Spam-Status: No,\r\n\tscore=-100\r\nSubject: hi\r\n there\r\nx-spam-flag: NO\r\nFrom: a@b\r\n\r\nX-Spam-Flag: body text stays\r\n', 'latin1');
  const out = removeHeaderFields(input, dropSpam);
  assert.equal(out?.removed, 2);
  assert.equal(out?.data.toString('latin1'), 'Subject: hi\r\n there\r\nFrom: a@b\r\n\r\nX-Spam-Flag: body text stays\r\n');
  const none = removeHeaderFields(Buffer.from('Subject: x\r\n\r\nbody'), dropSpam);
  assert.equal(none?.removed, 0);
  assert.equal(removeHeaderFields(Buffer.from('Subject: x\r\nno end'), dropSpam), null);
  const lf = removeHeaderFields(Buffer.from('X-Spam-Score: 1\nA: b\n\nbody'), dropSpam);
  assert.equal(lf?.data.toString(), 'A: b\n\nbody');
  const values: string[] = [];
  removeHeaderFields(Buffer.from('Authentication-Results: mx;\r\n spf=pass\r\n\r\n'), (_n, v) => (values.push(v), false));
  assert.deepEqual(values, ['mx; spf=pass']);
});

test('random input never throws; with nothing dropped the bytes come back unchanged', () => {
  const parts = ['X-Spam-A: 1', '\r\n', '\n', ' ', '\t', ':', 'Subject', '\r\n\r\n', '\x00', '\xff'];
  for (let i = 0; i < 5000; i++) {
    const text = [...randomBytes(1 + (i % 80))].map((b) => parts[b % parts.length]).join('');
    const buf = Buffer.from(text, 'latin1');
    const kept = removeHeaderFields(buf, () => false);
    if (kept) assert.ok(kept.data.equals(buf));
    const cut = removeHeaderFields(buf, dropSpam);
    if (cut) assert.ok(cut.data.length <= buf.length);
  }
});
