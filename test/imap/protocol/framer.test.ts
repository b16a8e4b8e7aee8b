// IMAP framing: commands split on CRLF, literals kept inline (synchronizing ones ask for a
// continuation, LITERAL+ ones do not), bytes arriving one at a time give the same result, and
// oversized lines and literals abandon the command without buffering it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFramer, type FrameEvent } from '../../../src-mailserver/imap/protocol/framer.js';
import { prng, randomBytes } from '../../support/random.js';

const limits = { maxLine: 1000, maxLiteral: 100, maxAppendLiteral: 10_000 };

function feed(framer: ImapFramer, input: string | Buffer, byteByByte = false): FrameEvent[] {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input, 'latin1');
  if (!byteByByte) return framer.push(buf);
  const out: FrameEvent[] = [];
  for (let i = 0; i < buf.length; i++) out.push(...framer.push(buf.subarray(i, i + 1)));
  return out;
}

const summary = (events: FrameEvent[]) => events.map((e) => (e.kind === 'command' || e.kind === 'line' ? `${e.kind}:${e.data.toString('latin1')}` : e.kind === 'tooBig' ? `tooBig:${e.what}` : e.kind));

test('framer: commands, literals and continuations', () => {
  for (const byteByByte of [false, true]) {
    const f = new ImapFramer(limits);
    const input = 'a1 NOOP\r\na2 LOGIN {5}\r\nalice {3+}\r\npwd\r\n\r\na3 APPEND INBOX {4}\r\nab\r\n\r\n';
    assert.deepEqual(summary(feed(f, input, byteByByte)), [
      'command:a1 NOOP',
      'continue',
      'command:a2 LOGIN {5}\r\nalice {3+}\r\npwd',
      'continue',
      'command:a3 APPEND INBOX {4}\r\nab\r\n',
    ]);
  }
});

test('framer: line mode hands over exactly one raw line', () => {
  const f = new ImapFramer(limits);
  f.lineMode = true;
  assert.deepEqual(summary(f.push(Buffer.from('DONE\r\na2 NOOP\r\n'))), ['line:DONE', 'command:a2 NOOP']);
});

test('framer: limits', () => {
  const f = new ImapFramer(limits);
  assert.deepEqual(summary(f.push(Buffer.from('a1 LOGIN {101}\r\n'))), ['tooBig:literal']);
  assert.deepEqual(summary(f.push(Buffer.from('a2 NOOP\r\n'))), ['command:a2 NOOP']);
  assert.deepEqual(summary(f.push(Buffer.from('a3 APPEND INBOX {5000}\r\n'))), ['continue'], 'APPEND may be larger');
  const g = new ImapFramer(limits);
  assert.deepEqual(summary(g.push(Buffer.from(`a1 LOGIN {200+}\r\n${'x'.repeat(200)}\r\na2 NOOP\r\n`))), ['tooBig:literal', 'command:a2 NOOP'], 'a non-synchronizing literal is skipped');
  const h = new ImapFramer(limits);
  assert.deepEqual(summary(h.push(Buffer.from('a1 NOOP ' + 'x'.repeat(2000)))), ['tooBig:line']);
  assert.ok(h.buffered < 100, 'nothing of the long line is kept');
  assert.deepEqual(summary(h.push(Buffer.from('yyy\r\na2 NOOP\r\n'))), ['command:a2 NOOP']);
});

test('framer fuzz: any byte stream, any chunking, never throws and stays bounded', () => {
  const rand = prng(7);
  for (let i = 0; i < 3000; i++) {
    const f = new ImapFramer(limits);
    const data = randomBytes(rand, 3000);
    let pos = 0;
    while (pos < data.length) {
      const n = 1 + Math.floor(rand() * 200);
      f.push(data.subarray(pos, pos + n));
      pos += n;
      assert.ok(f.buffered <= limits.maxAppendLiteral + limits.maxLine * 2);
    }
  }
});
