// Staging a message before its added header fields are known: small messages stay in memory,
// large ones spill to a scratch file; each commit writes prefix + (filtered) message into its own
// fsync'd spool file; discard removes the scratch file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { StagedMessage } from '../../src-mailserver/store/staged-message.js';
import { incomingDir } from '../../src-mailserver/store/spool.js';
import { computeMeta } from '../../src-mailserver/store/message-meta.js';
import { prng, randomBytes } from '../support/random.js';
import { makeTempDir } from '../support/temp-dir.js';

test('small message: memory only; two commits with different prefixes and a field filter', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const staged = StagedMessage.create(dir.path, 1024);
  await staged.write(Buffer.from('X-Spam-Flag: NO\r\nSubject: a\r\n'));
  await staged.write(Buffer.from('\r\nbody\r\n'));
  assert.equal(staged.size, 37);
  assert.equal((await readdir(incomingDir(dir.path)).catch(() => [])).length, 0, 'nothing on disk yet');
  const one = await staged.commit('A: 1\r\n', (name) => name.toLowerCase().startsWith('x-spam-'));
  const two = await staged.commit('B: 2\r\n');
  assert.equal(await readFile(one.path, 'latin1'), 'A: 1\r\nSubject: a\r\n\r\nbody\r\n');
  assert.equal(await readFile(two.path, 'latin1'), 'B: 2\r\nX-Spam-Flag: NO\r\nSubject: a\r\n\r\nbody\r\n');
  assert.equal(one.headerBytes, 6);
  await staged.discard();
  await assert.rejects(staged.commit(''), /discarded/);
});

test('large message: spills past the memory limit, commits byte for byte, discard removes the scratch file', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const staged = StagedMessage.create(dir.path, 1000);
  const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(997, 65 + (i % 26)));
  for (const c of chunks) await staged.write(c);
  assert.equal(staged.size, 50 * 997);
  assert.equal(staged.head().length, 1000);
  const names = await readdir(incomingDir(dir.path));
  assert.equal(names.length, 1);
  assert.match(names[0]!, /\.part$/);
  const spool = await staged.commit('P: x\r\n');
  assert.ok((await readFile(spool.path)).equals(Buffer.concat([Buffer.from('P: x\r\n'), ...chunks])));
  await staged.discard();
  assert.deepEqual((await readdir(incomingDir(dir.path))).filter((n) => n.endsWith('.part')), []);
});

test('the spool carries the MIME meta parsed on the way to disk, equal to parsing the file (any chunking)', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const multipart = Buffer.from(
    [
      'From: =?utf-8?q?J=C3=B6rg?= <jorg@example.org>',
      'To: a@example.com, "B" <b@example.com>',
      'Subject: =?utf-8?b?SMOpbGxv?= there',
      'Date: Tue, 1 Oct 2024 10:00:00 +0200',
      'Message-ID: <m1@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'hello',
      '--b1',
      'Content-Type: message/rfc822',
      '',
      'Subject: inner',
      '',
      'inner body',
      '--b1--',
      '',
    ].join('\r\n'),
  );
  const rand = prng(4242);
  const inputs = [multipart, Buffer.from('no header end'), Buffer.alloc(0), ...Array.from({ length: 30 }, () => randomBytes(rand, 3000))];
  for (const [i, input] of inputs.entries()) {
    // Memory limit 700: longer inputs also take the scratch-file path.
    const staged = StagedMessage.create(dir.path, 700);
    for (let at = 0; at < input.length; ) {
      const n = 1 + Math.floor(rand() * 400);
      await staged.write(input.subarray(at, at + n));
      at += n;
    }
    const spool = await staged.commit('Received: from x\r\n');
    await staged.discard();
    assert.ok(spool.meta, `input ${i}: meta parsed`);
    assert.deepEqual(spool.meta, await computeMeta(spool.path), `input ${i}`);
  }
  const staged = StagedMessage.create(dir.path);
  await staged.write(multipart);
  const meta = (await staged.commit('')).meta!;
  assert.equal(meta.subject, 'héllo there');
  assert.equal(meta.messageId, '<m1@example.org>');
  assert.match(meta.from, /jörg <jorg@example.org>/);
});
