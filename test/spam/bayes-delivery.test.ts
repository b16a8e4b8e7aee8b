// The per-user Bayesian classifier at delivery: one message to two users, one of whom trained
// their classifier, gets a file per verdict: the trained user's copy carries BAYES_99 and goes to
// Junk, the other user's copy has no Bayes rule and stays in INBOX; a message that every local
// recipient's score puts past the refusal threshold is refused at SMTP time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createBayes } from '../../src-mailserver/spam/inbound-trust.js';
import { readMessageText } from '../../src-mailserver/spam/message-text.js';
import { startTestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';

const SPAM = ['casino', 'jackpot', 'winner', 'bonus', 'lottery', 'claim', 'prize', 'crypto', 'unclaimed', 'guaranteed'];
const HAM = ['meeting', 'agenda', 'minutes', 'garden', 'weekend', 'project', 'invoice', 'review', 'lunch', 'school'];
const words = (list: string[], n: number, seed: number) => Array.from({ length: n }, (_, i) => list[(i * 7 + seed) % list.length]).join(' ');
const raw = (list: string[], seed: number) =>
  `From: x${seed}@sender.test\r\nSubject: ${words(list, 3, seed)}\r\nMessage-ID: <${list === SPAM ? 's' : 'h'}${seed}@sender.test>\r\nDate: ${new Date().toUTCString().replace('GMT', '+0000')}\r\n\r\n${words(list, 40, seed)}\r\n`;

async function send(port: number, rcpts: string[], data: string): Promise<{ code: number; text: string }> {
  const { dialog } = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.80' });
  try {
    await dialog.command('EHLO mx.sender.test');
    await dialog.command('MAIL FROM:<x@sender.test>');
    for (const r of rcpts) assert.equal((await dialog.command(`RCPT TO:<${r}>`)).code, 250);
    assert.equal((await dialog.command('DATA')).code, 354);
    dialog.write(data + '.\r\n');
    return await dialog.reply();
  } finally {
    dialog.close();
  }
}

test('one message, two users, two verdicts: the trained user gets BAYES_99 and Junk, the other INBOX', async (t) => {
  const s = await startTestServer(t, {
    accounts: { 'alice@example.test': 'pw', 'bob@example.test': 'pw' },
    config: {
      dns: '127.0.8.9:9',
      trust: { trustedNetworks: [] },
      spam: { dnsbls: [], uriBlocklists: [], lookupTimeoutMs: 200, bayes: { minSpam: 5, minHam: 5 }, thresholds: { flag: 4, junk: 5, reject: 15 } },
    },
  });
  const alice = s.service.directory.accounts.get('alice@example.test')!;
  const bayes = createBayes(s.service.db, s.service.config);
  for (let i = 0; i < 6; i++) {
    bayes.train(alice.id, readMessageText(Buffer.from(raw(SPAM, i))), 'spam');
    bayes.train(alice.id, readMessageText(Buffer.from(raw(HAM, i))), 'ham');
  }
  const r = await send(s.ports.smtp!, ['alice@example.test', 'bob@example.test'], raw(SPAM, 100));
  assert.equal(r.code, 250, r.text);
  const aliceJunk = await readMessages(join(s.dataDir, 'mail/example.test/alice/.Junk'));
  const bobInbox = await readMessages(join(s.dataDir, 'mail/example.test/bob'));
  assert.equal(aliceJunk.length, 1);
  assert.equal(bobInbox.length, 1);
  assert.equal((await readMessages(join(s.dataDir, 'mail/example.test/alice'))).length, 0);
  assert.match(aliceJunk[0]!, /BAYES_99=4\.5/);
  assert.match(aliceJunk[0]!.replace(/\r\n[ \t]+/g, ' '), /BAYES_99 Bayes: spam probability 99-100% for this user \[p=(?:0\.99\d|1\.000) clues=\d+\]/);
  assert.doesNotMatch(bobInbox[0]!, /BAYES_/);
  // Both copies are the same message behind different fields.
  const body = (m: string) => m.slice(m.indexOf('\r\nFrom: x100@sender.test'));
  assert.equal(body(aliceJunk[0]!), body(bobInbox[0]!));
  const verdict = s.log.ring.recent().find((l) => l.msg === 'message verdict')!;
  assert.deepEqual(verdict.recipients, {
    'alice@example.test': { score: 5.3, action: 'junk', bayes: (verdict.recipients as Record<string, { bayes: number }>)['alice@example.test']!.bayes },
    'bob@example.test': { score: 0.8, action: 'inbox' },
  });

  // Ham for alice stays in her INBOX with BAYES_00.
  assert.equal((await send(s.ports.smtp!, ['alice@example.test'], raw(HAM, 200))).code, 250);
  const aliceInbox = await readMessages(join(s.dataDir, 'mail/example.test/alice'));
  assert.equal(aliceInbox.length, 1);
  assert.match(aliceInbox[0]!, /BAYES_00=-2\.0/);
});

test('refused at SMTP time only when every local recipient\'s score is past the threshold', async (t) => {
  const s = await startTestServer(t, {
    accounts: { 'alice@example.test': 'pw', 'bob@example.test': 'pw' },
    config: {
      dns: '127.0.8.9:9',
      trust: { trustedNetworks: [] },
      spam: { dnsbls: [], uriBlocklists: [], lookupTimeoutMs: 200, bayes: { minSpam: 5, minHam: 5 }, thresholds: { flag: 3, junk: 4, reject: 5 } },
    },
  });
  const bayes = createBayes(s.service.db, s.service.config);
  for (const address of ['alice@example.test', 'bob@example.test']) {
    const id = s.service.directory.accounts.get(address)!.id;
    for (let i = 0; i < 6; i++) {
      bayes.train(id, readMessageText(Buffer.from(raw(SPAM, i))), 'spam');
      bayes.train(id, readMessageText(Buffer.from(raw(HAM, i))), 'ham');
    }
  }
  const both = await send(s.ports.smtp!, ['alice@example.test', 'bob@example.test'], raw(SPAM, 300));
  assert.equal(both.code, 550);
  assert.equal(both.text, '5.7.1 Message refused as spam');
  assert.ok(s.log.ring.recent().some((l) => l.msg === 'message verdict' && l.reason === 'spam-score-all-recipients'));
});
