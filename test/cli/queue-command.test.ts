// `mailserver queue ...` against a running server's data directory: list (per-recipient status,
// attempts, next attempt, last reply), show, hold (no more attempts), release, retry, bounce (the
// running server sends the report), delete; bad ids and usage. DNS on 127.0.5.100-109; peers anywhere in 127.0.5.0/24.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { startTestServer } from '../support/test-server.js';
import { mailserver } from '../support/processes.js';
import { readMessages } from '../support/maildir-reader.js';
import { peerAddress } from '../support/peer-address.js';
import type { QueueEntryView } from '../../src-mailserver/queue/queue-operations.js';
import { until } from '../support/until.js';

test('queue list/show/hold/release/retry/bounce/delete through the CLI while the server runs', async (t) => {
  const mx = await peerAddress();
  const knot = await startKnot(t, '127.0.5.100', { 'later.test': zoneHeader('later.test', '127.0.5.100') + `@ MX 10 mx.later.test.\nmx A ${mx}\n` });
  const server = await startTestServer(t, {
    listeners: ['submission'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: { dns: knot.server, queue: { retryBaseSeconds: 60, retryMaxSeconds: 60 } },
  });
  const data = ['--data', server.dataDir];
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'alice@example.test', pass: 'alice-pw' } });
  t.after(() => transport.close());
  for (const subject of ['first', 'second', 'third']) await transport.sendMail({ from: 'alice@example.test', to: 'bob@later.test', subject, text: subject });
  await until('three failed attempts', () => server.service.queue.operations.list().filter((e) => e.recipients[0]!.attempts === 1).length === 3);

  const listed = await mailserver(['queue', 'list', ...data]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^q\S+ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}\d+ B {2}<alice@example\.test> {2}"first"$/m);
  assert.match(listed.stdout, /^ {4}bob@later\.test {2}queued {2}attempts 1 {2}next \d{4}-.*connect to mx\.later\.test\[127\.0\.5\.\d+\]/m);
  assert.match(listed.stdout, /3 message\(s\), 3 recipient\(s\) waiting/);
  const json = JSON.parse((await mailserver(['queue', 'list', '--json', ...data])).stdout) as QueueEntryView[];
  const [first, second, third] = json;
  assert.equal(json.length, 3);
  assert.equal(first!.subject, 'first');

  const shown = await mailserver(['queue', 'show', first!.id, ...data]);
  assert.match(shown.stdout, /DKIM signed; origin submission/);
  assert.match(shown.stdout, /^Subject: first$/m);

  // Hold the first: it is skipped even when due. Delete the second. Then the peer comes up.
  assert.match((await mailserver(['queue', 'hold', first!.id, ...data])).stdout, /held/);
  assert.match((await mailserver(['queue', 'delete', second!.id, ...data])).stdout, /deleted/);
  const sink = await startSmtpSink(t, { address: mx });
  assert.equal((await mailserver(['queue', 'retry', '--all', ...data])).code, 0);
  await sink.waitForMessages(1);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(sink.messages.map((m) => /^Subject: (\w+)\r?$/m.exec(m.data.toString())![1]), ['third'], 'held and deleted ones were not sent');

  // Bounce the held one: the running server reports it to alice.
  const bounced = await mailserver(['queue', 'bounce', first!.id, ...data]);
  assert.match(bounced.stdout, /1 recipient\(s\) given up/);
  const report = await until('the report', async () => (await readMessages(join(server.dataDir, 'mail/example.test/alice'))).find((m) => /multipart\/report/.test(m)));
  assert.match(report, /Final-Recipient: rfc822; bob@later\.test\r\nAction: failed\r\nStatus: 5\.0\.0/);
  assert.match(report, /Delivery cancelled by the administrator/);
  await until('the queue to empty', () => server.service.queue.store.messageIds().length === 0);
  assert.match((await mailserver(['queue', 'list', ...data])).stdout, /queue is empty/);
  void third;

  const missing = await mailserver(['queue', 'hold', 'qnope', ...data]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such queued message: qnope/);
  assert.equal((await mailserver(['queue', 'frobnicate', ...data])).code, 2);
  assert.equal((await mailserver(['queue', 'hold', ...data])).code, 2);
});

test('release makes a held message due at once; the API emits change events for live views', async (t) => {
  const mx = await peerAddress();
  const knot = await startKnot(t, '127.0.5.102', { 'soon.test': zoneHeader('soon.test', '127.0.5.102') + `@ MX 10 mx.soon.test.\nmx A ${mx}\n` });
  const server = await startTestServer(t, {
    listeners: ['submission'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: { dns: knot.server, queue: { retryBaseSeconds: 600, retryMaxSeconds: 600 } },
  });
  const changes: string[] = [];
  t.after(server.service.queue.onChange((c) => changes.push(c.type)));
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'alice@example.test', pass: 'alice-pw' } });
  t.after(() => transport.close());
  await transport.sendMail({ from: 'alice@example.test', to: 'bob@soon.test', subject: 'held', text: 'x' });
  const ops = server.service.queue.operations;
  const [entry] = await until('a deferral', () => (ops.list()[0]?.recipients[0]?.attempts ? ops.list() : null));
  ops.hold(entry!.id);
  assert.equal(ops.list()[0]!.held, true);
  const sink = await startSmtpSink(t, { address: mx });
  ops.release(entry!.id);
  await sink.waitForMessages(1);
  await until('removal', () => changes.includes('removed'));
  assert.ok(changes.includes('added') && changes.includes('updated'));
  await assert.rejects(() => ops.show(entry!.id), /no such queued message/);
});
