// Random and mutated input in each session state against the real server: every reply is a
// well-formed untagged, continuation or tagged OK/NO/BAD line, no internal detail leaks, the
// server keeps serving (a NOOP after each input is answered) and the log counts no crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineClient } from '../support/line-client.js';
import { mutate, prng, randomBytes } from '../support/random.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const VALID = [
  'a1 SELECT INBOX',
  'a2 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODYSTRUCTURE ENVELOPE)',
  'a3 SEARCH OR SUBJECT x NOT SEEN',
  'a4 STORE 1 +FLAGS (\\Seen $x)',
  'a5 LIST "" "*" RETURN (STATUS (MESSAGES))',
  'a6 STATUS INBOX (MESSAGES UNSEEN SIZE)',
  'a7 UID COPY 1 Archive',
  'a8 EXAMINE Archive',
  'a9 FETCH 1 (BODY[1.2.MIME] BINARY[1] BODY[]<0.10>)',
  'b1 CREATE "x/y"',
  'b2 ID ("name" "fuzz")',
  'b3 GETQUOTAROOT INBOX',
  'b4 UID SEARCH RETURN (MIN MAX SAVE) ALL',
  'b5 UID EXPUNGE 99',
  'b6 ENABLE QRESYNC',
];
const STATEFUL = /^\S*\s+(LOGOUT|STARTTLS|COMPRESS|AUTHENTICATE|IDLE)\b/i;
const WELL_FORMED = /^(\* |\+ |\S+ (OK|NO|BAD) )/;
const LEAK = /(TypeError|RangeError|SqliteError|ENOENT|EISDIR|\bat \S+:\d+|node_modules|\/src-mailserver\/)/;

async function fuzzState(server: TestServer, state: 'notAuthenticated' | 'authenticated' | 'selected', seed: number, rounds: number): Promise<void> {
  const c = await LineClient.connect(server.ports.imap!);
  try {
    await c.readLine();
    if (state !== 'notAuthenticated') assert.match((await c.command('LOGIN alice@example.test pw-alice')).tagged, /^OK/);
    if (state === 'selected') assert.match((await c.command('SELECT INBOX')).tagged, /^OK/);
    const rand = prng(seed);
    for (let i = 0; i < rounds; i++) {
      const input = (rand() < 0.5 ? randomBytes(rand, 100) : mutate(rand, Buffer.from(VALID[i % VALID.length]!))).toString('latin1').replace(/[\r\n{]/g, ' ');
      if (STATEFUL.test(input) || /^\s*$/.test(input)) continue;
      c.write(Buffer.from(input + '\r\n', 'latin1'));
      c.write(`zz${i} NOOP\r\n`);
      const replies = await c.readUntil(new RegExp(`^zz${i} (OK|NO|BAD)`), 10_000).catch((err: Error) => {
        throw new Error(`seed ${seed} round ${i}: no answer after ${JSON.stringify(input)}: ${err.message}`);
      });
      for (const line of replies) {
        assert.match(line, WELL_FORMED, `seed ${seed} round ${i} input ${JSON.stringify(input)}`);
        assert.doesNotMatch(line, LEAK, `internal detail leaked for ${JSON.stringify(input)}`);
      }
      assert.match(replies[replies.length - 1]!, /^zz\d+ OK/);
    }
  } finally {
    c.close();
  }
}

test('session fuzz: random input in each state gets BAD or NO, never a crash', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const account = server.service.directory.accounts.get('alice@example.test')!;
  const inbox = server.service.store.index.getMailbox(account.id, 'INBOX')!;
  const mime = 'Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n--b--\r\n';
  for (let i = 0; i < 5; i++) await server.service.store.append(account, inbox, Buffer.from(mime));
  await fuzzState(server, 'notAuthenticated', 101, 300);
  await fuzzState(server, 'authenticated', 202, 500);
  await fuzzState(server, 'selected', 303, 800);
  const errors = server.log.ring.recent(undefined, (r) => Number((r as { level?: number }).level) >= 50);
  assert.deepEqual(errors, [], 'no internal error was logged');
});
