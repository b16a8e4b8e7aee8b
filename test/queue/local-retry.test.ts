// Local deliveries that fail while the client waits are queued and retried, never lost: through
// the port-25 listener (one of two local recipients fails) and through submission. The failure is
// real: the account's new/ directory is replaced by a file, then put back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startTestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { until } from '../support/until.js';

test('a local delivery that fails is queued and retried until the mailbox works again (port 25 and submission)', async (t) => {
  const server = await startTestServer(t, {
    listeners: ['smtp', 'submission'],
    accounts: { 'alice@example.test': 'alice-pw', 'bob@example.test': 'bob-pw' },
    config: { queue: { retryBaseSeconds: 0.2, retryMaxSeconds: 0.4 } },
  });
  const bobMaildir = join(server.dataDir, 'mail/example.test/bob');
  const bobNew = join(bobMaildir, 'new');
  await rm(bobNew, { recursive: true });
  await writeFile(bobNew, 'not a directory');

  const inbound = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
  t.after(() => inbound.close());
  const info = await inbound.sendMail({ envelope: { from: 'carol@remote.test', to: ['alice@example.test', 'bob@example.test'] }, from: 'carol@remote.test', to: 'alice@example.test, bob@example.test', subject: 'inbound', text: 'x' });
  assert.match(info.response, /^250 /);
  const submission = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'alice@example.test', pass: 'alice-pw' } });
  t.after(() => submission.close());
  const sent = await submission.sendMail({ from: 'alice@example.test', to: 'bob@example.test', subject: 'submitted', text: 'y' });
  assert.match(sent.response, /^250 /);

  assert.equal((await readMessages(join(server.dataDir, 'mail/example.test/alice'))).length, 1, 'alice got hers at once');
  await until('two failed attempts', () => server.service.queue.operations.list().length === 2 && server.service.queue.operations.list().every((e) => e.recipients[0]!.attempts >= 1));
  const entries = server.service.queue.operations.list();
  assert.deepEqual(entries.map((e) => e.origin).sort(), ['local-retry', 'submission']);
  for (const e of entries) {
    assert.equal(e.recipients[0]!.address, 'bob@example.test');
    assert.equal(e.recipients[0]!.local, true);
    assert.equal(e.recipients[0]!.statusCode, '4.3.0');
  }

  await rm(bobNew);
  await mkdir(bobNew);
  await until('the queue to empty', () => server.service.queue.store.messageIds().length === 0);
  const bob = await readMessages(bobMaildir);
  assert.equal(bob.length, 2);
  assert.ok(bob.some((m) => /^Return-Path: <carol@remote\.test>/.test(m) && /Subject: inbound/.test(m)));
  assert.ok(bob.some((m) => /^Return-Path: <alice@example\.test>/.test(m) && /Subject: submitted/.test(m)));
  const indexed = server.service.db.prepare("SELECT count(*) AS n FROM messages m JOIN mailboxes x ON x.id = m.mailbox_id JOIN accounts a ON a.id = x.account_id WHERE a.local_part = 'bob' AND x.name = 'INBOX'").get() as { n: number };
  assert.equal(indexed.n, 2, 'both are in the index too');
});
