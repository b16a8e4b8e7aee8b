// POP3 protocol pieces: the command parser (and its fuzzing: random lines give a command or a
// ProtocolSyntaxError), and dot-stuffing with CRLF line ends and TOP's line limit, whatever the
// chunking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolSyntaxError } from '../../../src-mailserver/common/errors.js';
import { DotStuffer } from '../../../src-mailserver/pop3/protocol/dot-stuff.js';
import { parsePop3Command } from '../../../src-mailserver/pop3/protocol/parse-command.js';
import { prng, randomBytes } from '../../support/random.js';

test('pop3 parser', () => {
  assert.deepEqual(parsePop3Command('user alice@example.test'), { name: 'USER', user: 'alice@example.test' });
  assert.deepEqual(parsePop3Command('PASS a pass with spaces'), { name: 'PASS', password: 'a pass with spaces' });
  assert.deepEqual(parsePop3Command('top 3 10'), { name: 'TOP', msg: 3, lines: 10 });
  assert.deepEqual(parsePop3Command('LIST'), { name: 'LIST', msg: null });
  assert.deepEqual(parsePop3Command('AUTH PLAIN AGFAYgBj'), { name: 'AUTH', mechanism: 'PLAIN', initial: 'AGFAYgBj' });
  for (const bad of ['', 'XYZZY', 'RETR', 'RETR x', 'TOP 1', 'STAT 1', 'LIST 1 2', 'USER', 'QUIT\u0000', 'X'.repeat(600)]) {
    assert.throws(() => parsePop3Command(bad), ProtocolSyntaxError, bad.slice(0, 20));
  }
  const rand = prng(9);
  for (let i = 0; i < 20_000; i++) {
    const line = randomBytes(rand, 80).toString('latin1');
    try {
      parsePop3Command(line);
    } catch (err) {
      assert.ok(err instanceof ProtocolSyntaxError, `${JSON.stringify(line)}: ${String(err)}`);
    }
  }
});

function stuff(input: string, chunk: number, top?: number): string {
  const d = new DotStuffer(top);
  const buf = Buffer.from(input);
  let out = '';
  for (let i = 0; i < buf.length && !d.done; i += chunk) out += d.push(buf.subarray(i, i + chunk)).toString();
  return out + d.end().toString();
}

test('pop3 dot-stuffing', () => {
  for (const chunk of [1, 2, 3, 1000]) {
    assert.equal(stuff('a: b\r\n\r\n.x\r\n..\r\ny', chunk), 'a: b\r\n\r\n..x\r\n...\r\ny\r\n.\r\n');
    assert.equal(stuff('a: b\n\nl1\nl2\n', chunk), 'a: b\r\n\r\nl1\r\nl2\r\n.\r\n');
    assert.equal(stuff('a: b\r\nc: d\r\n\r\nl1\r\nl2\r\nl3\r\n', chunk, 2), 'a: b\r\nc: d\r\n\r\nl1\r\nl2\r\n.\r\n');
    assert.equal(stuff('a: b\r\n\r\nl1\r\n', chunk, 0), 'a: b\r\n\r\n.\r\n');
  }
});
