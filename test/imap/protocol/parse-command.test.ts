// The IMAP command parser: the commands real clients send parse to the right typed values, bad
// input is a ProtocolSyntaxError, and random or mutated input never throws anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolSyntaxError } from '../../../src-mailserver/common/errors.js';
import { parseCommand } from '../../../src-mailserver/imap/protocol/parse-command.js';
import { mutate, prng, randomBytes } from '../../support/random.js';

const p = (text: string) => parseCommand(Buffer.from(text, 'latin1'));

const CLIENT_COMMANDS = [
  'a1 capability',
  'a2 login alice@example.test "pass word"',
  'a3 AUTHENTICATE PLAIN AGFsaWNlAHB3',
  'a4 ID ("name" "Thunderbird" "version" "128.0")',
  'a5 ENABLE CONDSTORE UTF8=ACCEPT QRESYNC IMAP4rev2',
  'a6 list (subscribed) "" "*" return (special-use)',
  'a7 LIST "" "*" RETURN (SPECIAL-USE CHILDREN SUBSCRIBED STATUS (MESSAGES UNSEEN UIDNEXT))',
  'a8 STATUS INBOX (UIDNEXT MESSAGES UNSEEN RECENT)',
  'a9 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))',
  'b1 UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])',
  'b2 UID fetch 100 (UID RFC822.SIZE BODY.PEEK[]<0.65536>)',
  'b3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)',
  'b4 FETCH 1 (BODYSTRUCTURE BODY.PEEK[2.1.MIME] BINARY.PEEK[1]<0.100> BINARY.SIZE[1] BODY[TEXT])',
  'b5 UID SEARCH 1:100 SINCE 1-Jan-2024 NOT DELETED',
  'b6 UID SEARCH RETURN (MIN MAX COUNT) CHARSET UTF-8 OR FROM "a" (SUBJECT b HEADER X-Spam yes)',
  'b7 UID STORE 5 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Seen $Forwarded)',
  'b8 STORE 1:3 -FLAGS \\Deleted',
  'b9 UID MOVE 1:5 "Junk"',
  'c1 UID EXPUNGE 3:4',
  'c2 APPEND Sent (\\Seen) "22-Nov-2026 20:14:13 +0000" {5+}\r\nhello',
  'c3 APPEND Drafts UTF8 (~{3}\r\nabc)',
  'c4 COMPRESS DEFLATE',
  'c5 GETQUOTAROOT INBOX',
  'c6 UID SEARCH $',
  'c7 XLIST "" *',
  'c8 lsub "" *',
];

test('parser: the commands real clients send', () => {
  for (const text of CLIENT_COMMANDS) assert.doesNotThrow(() => p(text), text);
  const fetch = p(CLIENT_COMMANDS[9]!).command;
  assert.equal(fetch.name, 'FETCH');
  if (fetch.name === 'FETCH') {
    assert.equal(fetch.uid, true);
    const section = fetch.attributes[3]!;
    assert.equal(section.type, 'BODY[]');
    if (section.type === 'BODY[]') {
      assert.equal(section.peek, true);
      assert.equal(section.section.text, 'HEADER.FIELDS');
      assert.equal(section.section.fields.length, 14);
    }
  }
  const partial = p('b2 UID fetch 100 (UID RFC822.SIZE BODY.PEEK[]<0.65536>)').command;
  assert.deepEqual(partial.name === 'FETCH' && partial.attributes[2], { type: 'BODY[]', peek: true, section: { part: [], text: null, fields: [] }, partial: { start: 0, length: 65536 } });
  const qresync = p(CLIENT_COMMANDS[8]!).command;
  assert.deepEqual(qresync.name === 'SELECT' && qresync.qresync?.knownUids, { kind: 'set', ranges: [[41, 41], [43, 211], [214, 541]] });
  const store = p(CLIENT_COMMANDS[15]!).command;
  assert.deepEqual(store, { name: 'STORE', uid: true, set: { kind: 'set', ranges: [[5, 5]] }, op: 'add', silent: true, flags: ['\\Seen', '$Forwarded'], unchangedSince: 320162338 });
  const append = p(CLIENT_COMMANDS[19]!).command;
  assert.equal(append.name === 'APPEND' && append.message.toString(), 'hello');
  assert.equal(append.name === 'APPEND' && append.date, Date.UTC(2026, 10, 22, 20, 14, 13));
  const search = p(CLIENT_COMMANDS[14]!).command;
  assert.equal(search.name === 'SEARCH' && search.key.type, 'or');
  const login = p('x LOGIN {5}\r\nalice {3}\r\npwd').command;
  assert.deepEqual(login, { name: 'LOGIN', username: 'alice', password: 'pwd' });
  assert.deepEqual(p('x UID FETCH * UID').command, { name: 'FETCH', uid: true, set: { kind: 'set', ranges: [[0, 0]] }, attributes: [{ type: 'UID' }], changedSince: null, vanished: false });
});

test('parser: malformed commands are syntax errors with a position', () => {
  for (const text of ['', 'a1', 'a1 ', 'a1 FOO', 'a1 UID LOGIN x y', 'a1 LOGIN x', 'a1 FETCH 0 FLAGS', 'a1 FETCH 1 (FLAGS', 'a1 SELECT', 'a1 STORE 1 FLAGS', 'a1 SEARCH', 'a1 FETCH 1 BODY[1.X]', 'a1 LOGIN "unterminated', 'a1 APPEND INBOX {10}\r\nshort', 'a1 SEARCH NOT', 'a1 FETCH 1:2:3 FLAGS', 'a1 CAPABILITY extra']) {
    assert.throws(() => p(text), ProtocolSyntaxError, JSON.stringify(text));
  }
  const deep = 'a1 SEARCH ' + '('.repeat(100) + 'ALL' + ')'.repeat(100);
  assert.throws(() => p(deep), ProtocolSyntaxError, 'nesting is bounded');
});

test('parser fuzz: random and mutated commands give a command or a ProtocolSyntaxError', () => {
  const seed = 20261122;
  const rand = prng(seed);
  const valid = CLIENT_COMMANDS.map((c) => Buffer.from(c, 'latin1'));
  for (let i = 0; i < 20_000; i++) {
    const input = i % 2 === 0 ? randomBytes(rand, 120) : mutate(rand, valid[i % valid.length]!);
    try {
      parseCommand(input);
    } catch (err) {
      if (!(err instanceof ProtocolSyntaxError)) assert.fail(`seed ${seed} input ${JSON.stringify(input.toString('latin1'))} threw ${String(err)}`);
    }
  }
});
