// Inbound SMTP on the port-25 role, driven by nodemailer (a real SMTP client): delivery into the
// Maildir with trace fields, the EHLO capabilities, and the index row behind the 250.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startTestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';

test('nodemailer delivers to a local account; the file has Return-Path and Received and is indexed', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw-alice' } });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, secure: false, ignoreTLS: true });
  const info = await transport.sendMail({
    envelope: { from: 'bob@remote.test', to: ['alice@example.test'] },
    from: 'Bob <bob@remote.test>',
    to: 'alice@example.test',
    subject: 'hello',
    text: 'first message',
    messageId: '<first@remote.test>',
  });
  assert.match(info.response, /^250 2\.0\.0 /);
  const messages = await readMessages(join(server.dataDir, 'mail/example.test/alice'));
  assert.equal(messages.length, 1);
  const [msg] = messages;
  assert.match(msg!, /^Return-Path: <bob@remote\.test>\r\nReceived: from \S+ \(localhost \[127\.0\.0\.1\]\)\r\n\tby mail\.example\.test with ESMTP id \S+\r\n\tfor <alice@example\.test>;\r\n\t\w{3}, /);
  assert.match(msg!, /Message-ID: <first@remote\.test>/i);
  assert.match(msg!, /first message/);
  const rows = server.service.db.prepare('SELECT uid, size FROM messages m JOIN mailboxes x ON x.id = m.mailbox_id WHERE x.name = ?').all('INBOX') as { uid: number; size: number }[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.uid, 1);
  assert.equal(rows[0]!.size, Buffer.byteLength(msg!, 'latin1'));
});
