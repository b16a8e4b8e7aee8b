// The port-25 listener's forwarding aliases go through the queue: a real client (nodemailer)
// sends to an alias with a remote target, the queue looks up the target's MX in a real DNS
// server (knot) and delivers to a peer MTA on port 25. DNS on 127.0.5.10-19; peers anywhere in 127.0.5.0/24.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { startTestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { peerAddress } from '../support/peer-address.js';

test('a forwarding alias delivers the local copy at once and the remote copy through MX lookup', async (t) => {
  const mx = await peerAddress();
  const dns = await startKnot(t, '127.0.5.10', { 'remote.test': zoneHeader('remote.test', '127.0.5.10') + `@ MX 10 mx.remote.test.\nmx A ${mx}\n` });
  const sink = await startSmtpSink(t, { address: mx });
  const server = await startTestServer(t, {
    accounts: { 'alice@example.test': 'pw' },
    config: { dns: dns.server, queue: { retryBaseSeconds: 0.2, retryMaxSeconds: 1 } },
  });
  server.service.directory.aliases.add('team@example.test', ['alice@example.test', 'Bob@remote.test']);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, secure: false, ignoreTLS: true });
  t.after(() => transport.close());
  const info = await transport.sendMail({
    envelope: { from: 'carol@elsewhere.test', to: ['team@example.test'] },
    from: 'carol@elsewhere.test',
    to: 'team@example.test',
    subject: 'forward me',
    text: 'hello team',
  });
  assert.match(info.response, /^250 /);
  const local = await readMessages(join(server.dataDir, 'mail/example.test/alice'));
  assert.equal(local.length, 1);
  const [delivered] = await sink.waitForMessages(1);
  assert.equal(delivered!.from, 'carol@elsewhere.test');
  assert.deepEqual(delivered!.to, ['Bob@remote.test']);
  const text = delivered!.data.toString('latin1');
  assert.doesNotMatch(text, /^Return-Path:/im, 'our Return-Path is not passed on');
  assert.match(text, /^Received: from .*\r\n\tby mail\.example\.test with ESMTP/m);
  assert.match(text, /hello team/);
  assert.equal(delivered!.helo, 'mail.example.test');
  // Finished messages leave the queue.
  for (let i = 0; i < 3000 && server.service.queue.store.messageIds().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(server.service.queue.store.messageIds(), []);
});

test('a forwarded message from the null sender that fails is dropped, never bounced', async (t) => {
  const mx = await peerAddress();
  const dns = await startKnot(t, '127.0.5.12', { 'remote.test': zoneHeader('remote.test', '127.0.5.12') + `@ MX 10 mx.remote.test.\nmx A ${mx}\n` });
  const sink = await startSmtpSink(t, { address: mx, onRcpt: () => ({ code: 550, text: '5.1.1 Gone' }) });
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' }, config: { dns: dns.server } });
  server.service.directory.aliases.add('list@example.test', ['alice@example.test', 'gone@remote.test']);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, secure: false, ignoreTLS: true });
  t.after(() => transport.close());
  const info = await transport.sendMail({ envelope: { from: '', to: ['list@example.test'] }, from: 'MAILER-DAEMON@elsewhere.test', to: 'list@example.test', subject: 'a bounce', text: 'report' });
  assert.match(info.response, /^250 /);
  for (let i = 0; i < 2400 && server.service.queue.store.messageIds().length > 0; i++) await new Promise((r) => setTimeout(r, 25));
  assert.deepEqual(server.service.queue.store.messageIds(), [], 'finished and removed');
  assert.equal(sink.messages.length, 0);
  const alice = await readMessages(join(server.dataDir, 'mail/example.test/alice'));
  assert.equal(alice.length, 1, 'only the original, no report');
  assert.doesNotMatch(alice[0]!, /multipart\/report/);
});
