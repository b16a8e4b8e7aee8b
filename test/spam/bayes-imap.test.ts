// The Bayesian classifier trained by what the user does over IMAP, end to end: spam that arrived
// in INBOX over port 25 is moved to Junk with imapflow (MOVE), ham found in Junk is moved out
// with Python's imaplib (COPY + EXPUNGE, as clients without MOVE do); then a similar spam
// message sent over SMTP is classified BAYES_99 and filed into Junk, a similar ham one BAYES_00
// into INBOX. Moving a message back out of Junk retrains it as ham; moving to Trash teaches nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { startTestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { run } from '../support/processes.js';
import { createBayes } from '../../src-mailserver/spam/inbound-trust.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SPAM = ['casino', 'jackpot', 'winner', 'bonus', 'lottery', 'claim', 'prize', 'crypto', 'unclaimed', 'guaranteed', 'viagra', 'pills'];
const HAM = ['meeting', 'agenda', 'minutes', 'garden', 'weekend', 'project', 'invoice', 'review', 'lunch', 'school', 'dentist', 'football'];
const pick = (list: string[], n: number, seed: number) => Array.from({ length: n }, (_, i) => list[(i * 5 + seed * 3) % list.length]).join(' ');
const message = (kind: 'spam' | 'ham', seed: number) => {
  const list = kind === 'spam' ? SPAM : HAM;
  return (
    `From: ${kind === 'spam' ? 'promo@deals.test' : 'carol@friends.test'}\r\nTo: alice@example.test\r\nSubject: ${pick(list, 3, seed)}\r\n` +
    `Message-ID: <${kind}-${seed}@test>\r\nDate: ${new Date().toUTCString().replace('GMT', '+0000')}\r\n\r\n${pick(list, 40, seed)}\r\n`
  );
};

async function smtpSend(port: number, data: string): Promise<void> {
  const { dialog } = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.90' });
  try {
    for (const line of ['EHLO mx.sender.test', 'MAIL FROM:<x@sender.test>', 'RCPT TO:<alice@example.test>', 'DATA']) assert.ok((await dialog.command(line)).code < 400, line);
    dialog.write(data + '.\r\n');
    assert.equal((await dialog.reply()).code, 250);
  } finally {
    dialog.close();
  }
}

const IMAPLIB_MOVE_OUT = String.raw`
import imaplib, sys
M = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
M.login('alice@example.test', 'pw')
M.select('Junk')
typ, data = M.uid('SEARCH', None, 'ALL')
uids = data[0].decode().split()
assert M.uid('COPY', ','.join(uids), 'INBOX')[0] == 'OK'
M.uid('STORE', ','.join(uids), '+FLAGS', r'(\Deleted)')
M.expunge()
M.logout()
print(len(uids))
`;

test('training by IMAP MOVE (imapflow) and COPY+EXPUNGE (imaplib), then a similar message is classified', async (t) => {
  const server = await startTestServer(t, {
    listeners: ['smtp', 'imap'],
    accounts: { 'alice@example.test': 'pw' },
    config: {
      dns: '127.0.8.9:9',
      trust: { trustedNetworks: [] },
      spam: { dnsbls: [], uriBlocklists: [], lookupTimeoutMs: 200, bayes: { minSpam: 4, minHam: 4 }, thresholds: { flag: 4, junk: 5, reject: 20 } },
    },
  });
  const alice = server.service.directory.accounts.get('alice@example.test')!;
  const bayes = createBayes(server.service.db, server.service.config);
  const inbox = join(server.dataDir, 'mail/example.test/alice');
  const junk = join(inbox, '.Junk');

  // Spam arrives in INBOX (nothing trained yet); ham is appended into Junk by the user's other client.
  for (let i = 0; i < 5; i++) await smtpSend(server.ports.smtp!, message('spam', i));
  const client = new ImapFlow({ host: '127.0.0.1', port: server.ports.imap!, secure: false, auth: { user: 'alice@example.test', pass: 'pw' }, logger: quiet as never, tls: { rejectUnauthorized: false } });
  await client.connect();
  t.after(() => client.close());
  for (let i = 0; i < 5; i++) await client.append('Junk', message('ham', i));
  assert.deepEqual(bayes.totals(alice.id), { spam: 0, ham: 0 }, 'delivery and APPEND teach nothing');

  // The user marks the spam: MOVE from INBOX to Junk.
  const lock = await client.getMailboxLock('INBOX');
  try {
    const moved = await client.messageMove('1:*', 'Junk', { uid: true });
    assert.ok(moved);
    assert.equal(moved.uidMap?.size, 5);
  } finally {
    lock.release();
  }
  await server.service.bayesTrainer!.idle();
  assert.deepEqual(bayes.totals(alice.id), { spam: 5, ham: 0 });

  // The ham the user rescues from Junk with an older client.
  await client.logout();
  const rescued = await run('python3', ['-c', IMAPLIB_MOVE_OUT, String(server.ports.imap)], { timeoutMs: 30_000 });
  assert.equal(rescued.code, 0, rescued.stderr);
  await server.service.bayesTrainer!.idle();
  // imaplib copied every message in Junk out: the 5 spam messages too (then deleted them).
  // Spam copied out of Junk counts as ham now, which is what the user said; fix it as a user would:
  assert.deepEqual(bayes.totals(alice.id), { spam: 0, ham: 10 });
  const again = new ImapFlow({ host: '127.0.0.1', port: server.ports.imap!, secure: false, auth: { user: 'alice@example.test', pass: 'pw' }, logger: quiet as never, tls: { rejectUnauthorized: false } });
  await again.connect();
  t.after(() => again.close());
  const lock2 = await again.getMailboxLock('INBOX');
  try {
    const spamUids: number[] = [];
    for await (const m of again.fetch('1:*', { uid: true, envelope: true })) if (m.envelope?.subject && SPAM.some((w) => m.envelope!.subject!.includes(w))) spamUids.push(m.uid);
    assert.equal(spamUids.length, 5);
    await again.messageMove(spamUids.join(','), 'Junk', { uid: true });
    // A ham message thrown away into Trash teaches nothing.
    await again.messageMove('1', 'Trash');
  } finally {
    lock2.release();
  }
  await server.service.bayesTrainer!.idle();
  assert.deepEqual(bayes.totals(alice.id), { spam: 5, ham: 5 }, 'the spam was retrained as spam; Trash did not count');
  assert.ok(server.log.ring.recent().some((r) => r.msg === 'bayes trained' && r.class === 'spam' && r.retrained === 5));

  // Now similar messages are classified for alice.
  const junkBefore = (await readMessages(junk)).length;
  const inboxBefore = (await readMessages(inbox)).length;
  await smtpSend(server.ports.smtp!, message('spam', 50));
  await smtpSend(server.ports.smtp!, message('ham', 60));
  const junked = (await readMessages(junk)).filter((m) => m.includes('<spam-50@test>'));
  const kept = (await readMessages(inbox)).filter((m) => m.includes('<ham-60@test>'));
  assert.equal(junked.length, 1, 'the new spam went to Junk');
  assert.equal(kept.length, 1, 'the new ham stayed in INBOX');
  assert.match(junked[0]!, /BAYES_99=4\.5/);
  assert.match(kept[0]!, /BAYES_00=-2\.0/);
  assert.equal((await readMessages(junk)).length, junkBefore + 1);
  assert.equal((await readMessages(inbox)).length, inboxBefore + 1);
});
