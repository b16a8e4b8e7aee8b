// DSN parameters (RFC 3461) for local recipients of submitted mail: NOTIFY=SUCCESS gets the sender a
// "delivered" report (through the queue's local agent, which delivers at once), with ORCPT naming
// the alias that was addressed; a local copy that has to be retried keeps its NOTIFY, so
// NOTIFY=NEVER stays silent when it finally fails while a plain recipient is reported.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { until } from '../support/until.js';

const ACCOUNTS = { 'alice@example.test': 'alice-pw', 'bob@example.test': 'bob-pw', 'carol@example.test': 'carol-pw', 'dave@example.test': 'dave-pw' };
const maildir = (s: TestServer, user: string) => join(s.dataDir, `mail/example.test/${user}`);
const reportsTo = async (s: TestServer, user: string) => (await readMessages(maildir(s, user))).filter((m) => /multipart\/report/.test(m));

/** Submit one message as alice with the given RCPT lines (parameters included); the 250 text. */
async function submit(t: TestContext, s: TestServer, mailFrom: string, rcpts: string[], subject: string): Promise<string> {
  const { dialog } = await SmtpDialog.open(s.ports.submission!);
  t.after(() => dialog.close());
  await dialog.command('EHLO client.test');
  await dialog.starttls();
  await dialog.command('EHLO client.test');
  assert.equal((await dialog.command(`AUTH PLAIN ${Buffer.from('\0alice@example.test\0alice-pw').toString('base64')}`)).code, 235);
  assert.equal((await dialog.command(`MAIL FROM:${mailFrom}`)).code, 250);
  for (const r of rcpts) assert.equal((await dialog.command(`RCPT TO:${r}`)).code, 250, r);
  assert.equal((await dialog.command('DATA')).code, 354);
  const done = await dialog.command(`From: alice@example.test\r\nSubject: ${subject}\r\n\r\nbody\r\n.`);
  assert.equal(done.code, 250, done.text);
  return done.text;
}

test('NOTIFY=SUCCESS to a local alias: both members get the message and the sender a "delivered" report naming the alias', async (t) => {
  const s = await startTestServer(t, { listeners: ['submission'], accounts: ACCOUNTS, config: { queue: { retryBaseSeconds: 0.2, retryMaxSeconds: 0.5 } } });
  s.service.directory.aliases.add('team@example.test', ['bob@example.test', 'carol@example.test']);
  await submit(t, s, '<alice@example.test> RET=HDRS ENVID=local-7', ['<team@example.test> NOTIFY=SUCCESS,FAILURE', '<dave@example.test>'], 'tell me');
  assert.equal((await readMessages(maildir(s, 'dave'))).length, 1, 'a recipient without NOTIFY=SUCCESS has it before the 250');
  await until('both members to have it', async () => (await readMessages(maildir(s, 'bob'))).length === 1 && (await readMessages(maildir(s, 'carol'))).length === 1);
  const [report] = await until('the report', async () => {
    const r = await reportsTo(s, 'alice');
    return r.length > 0 ? r : null;
  });
  assert.match(report!, /^Subject: Successful Mail Delivery Report\r$/m);
  assert.match(report!, /Original-Envelope-Id: local-7\r\n/);
  for (const who of ['bob', 'carol']) {
    assert.match(report!, new RegExp(`Original-Recipient: rfc822;team@example\\.test\\r\\nFinal-Recipient: rfc822; ${who}@example\\.test\\r\\nAction: delivered\\r\\nStatus: 2\\.0\\.0\\r\\n`));
  }
  assert.doesNotMatch(report!, /dave@example\.test\r\nAction/, 'dave did not ask');
  await until('the queue to empty', () => s.service.queue.store.messageIds().length === 0);
  assert.equal((await reportsTo(s, 'alice')).length, 1, 'one report');
  assert.equal((await readMessages(maildir(s, 'bob'))).length, 1, 'delivered once');
});

test('a local copy queued for retry keeps its NOTIFY: NEVER stays silent when it fails, a plain recipient is reported', async (t) => {
  const s = await startTestServer(t, { listeners: ['submission'], accounts: ACCOUNTS, config: { queue: { retryBaseSeconds: 0.2, retryMaxSeconds: 0.5 } } });
  for (const who of ['bob', 'carol']) {
    const dir = join(maildir(s, who), 'new');
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a directory');
  }
  await submit(t, s, '<alice@example.test>', ['<bob@example.test> NOTIFY=NEVER', '<carol@example.test>'], 'retry me');
  const ops = s.service.queue.operations;
  await until('both deferred', () => ops.list()[0]?.recipients.length === 2 && ops.list()[0]!.recipients.every((r) => r.attempts >= 1));
  // The accounts go away while their copies wait: the next attempt fails for good (5.1.1).
  s.service.directory.accounts.remove('bob@example.test');
  s.service.directory.accounts.remove('carol@example.test');
  const [report] = await until('the bounce', async () => {
    const r = await reportsTo(s, 'alice');
    return r.length > 0 ? r : null;
  });
  assert.match(report!, /Final-Recipient: rfc822; carol@example\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\n/);
  assert.doesNotMatch(report!, /Final-Recipient: rfc822; bob@/, 'NOTIFY=NEVER is honoured for a local retry');
  await until('the queue to empty', () => s.service.queue.store.messageIds().length === 0);
  assert.equal((await reportsTo(s, 'alice')).length, 1);
});
