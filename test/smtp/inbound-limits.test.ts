// Limits and bad input on the port-25 listener: malformed commands, the size limit (declared and
// actual), too many recipients, a storage failure (451, nothing half-written, then the retry
// succeeds), a 30 MB message and 50 concurrent sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdir, rm, writeFile, mkdir, stat } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import { startTestServer } from '../support/test-server.js';
import { listMessages, readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { incomingDir } from '../../src-mailserver/store/spool.js';

const aliceInbox = (dataDir: string) => join(dataDir, 'mail/example.test/alice');

test('malformed commands get 5xx replies, never a crash; the server keeps serving', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  const { dialog } = await SmtpDialog.open(server.ports.smtp!);
  t.after(() => dialog.close());
  assert.equal((await dialog.command('MAIL FROM:<a@remote.test>')).code, 503, 'MAIL before EHLO');
  assert.equal((await dialog.command('EHLO client.test')).code, 250);
  assert.equal((await dialog.command('RCPT TO:<alice@example.test>')).code, 503, 'RCPT before MAIL');
  assert.equal((await dialog.command('DATA')).code, 503, 'DATA before RCPT');
  assert.equal((await dialog.command('FROBNICATE')).code, 500);
  assert.equal((await dialog.command('MAIL FROM:no-brackets@remote.test')).code, 501);
  assert.equal((await dialog.command('MAIL FROM:<a@remote.test> SIZE=abc')).code, 501);
  assert.equal((await dialog.command('MAIL FROM:<a@remote.test> BODY=9BIT')).code, 501);
  assert.equal((await dialog.command('MAIL FROM:<a@remote.test> XYZZY=1')).code, 555);
  assert.equal((await dialog.command('MAIL FROM:<a@remote.test>')).code, 250);
  assert.equal((await dialog.command('MAIL FROM:<b@remote.test>')).code, 503, 'nested MAIL');
  assert.equal((await dialog.command('RCPT TO:<>')).code, 501);
  assert.equal((await dialog.command('RCPT TO:<alice@example.test> NOTIFY=NEVER-EVER')).code, 555);
  assert.equal((await dialog.command('RCPT TO:<alice@example.test> FOO=BAR')).code, 555);
  const long = await dialog.command('RCPT TO:<' + 'a'.repeat(5000) + '@example.test>');
  assert.ok(long.code >= 500 && long.code < 600);
  dialog.write(Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a]));
  assert.ok((await dialog.reply()).code >= 500);
  assert.equal((await dialog.command('RSET')).code, 250);
  // An HTTP request aimed at the SMTP port is refused and the connection closed.
  const { dialog: web } = await SmtpDialog.open(server.ports.smtp!);
  assert.equal((await web.command('GET / HTTP/1.1')).code, 421);
  web.close();
  // A normal transaction still works afterwards.
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
  await transport.sendMail({ from: 'a@remote.test', to: 'alice@example.test', subject: 'after garbage', text: 'ok' });
  assert.equal((await readMessages(aliceInbox(server.dataDir))).length, 1);
});

test('size limit: a declared SIZE over it and an actual body over it both get 552; nothing is kept', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' }, config: { limits: { maxMessageBytes: 100_000 } } });
  const { dialog } = await SmtpDialog.open(server.ports.smtp!);
  t.after(() => dialog.close());
  const ehlo = await dialog.command('EHLO client.test');
  assert.ok(ehlo.lines.some((l) => l.endsWith('SIZE 100000')));
  const declared = await dialog.command('MAIL FROM:<a@remote.test> SIZE=100001');
  assert.equal(`${declared.code} ${declared.text.slice(0, 5)}`, '552 5.3.4');
  assert.equal((await dialog.command('MAIL FROM:<a@remote.test>')).code, 250);
  assert.equal((await dialog.command('RCPT TO:<alice@example.test>')).code, 250);
  assert.equal((await dialog.command('DATA')).code, 354);
  dialog.write('Subject: big\r\n\r\n' + ('x'.repeat(998) + '\r\n').repeat(150) + '.\r\n');
  const r = await dialog.reply();
  assert.equal(`${r.code} ${r.text.slice(0, 5)}`, '552 5.3.4');
  assert.equal((await readMessages(aliceInbox(server.dataDir))).length, 0);
  assert.deepEqual(await readdir(incomingDir(server.dataDir)), []);
  assert.equal((await dialog.command('RSET')).code, 250, 'the session continues');
});

test('too many recipients: 452 4.5.3 past the limit, the accepted ones still get the message', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' }, config: { limits: { maxRecipients: 3 } } });
  server.service.directory.aliases.add('@example.test', ['alice@example.test']);
  const { dialog } = await SmtpDialog.open(server.ports.smtp!);
  t.after(() => dialog.close());
  await dialog.command('EHLO client.test');
  await dialog.command('MAIL FROM:<a@remote.test>');
  for (const r of ['r1', 'r2', 'r3']) assert.equal((await dialog.command(`RCPT TO:<${r}@example.test>`)).code, 250);
  const fourth = await dialog.command('RCPT TO:<r4@example.test>');
  assert.equal(`${fourth.code} ${fourth.text.slice(0, 5)}`, '452 4.5.3');
  assert.equal((await dialog.command('DATA')).code, 354);
  dialog.write('Subject: many\r\n\r\nx\r\n.\r\n');
  assert.equal((await dialog.reply()).code, 250);
  assert.equal((await readMessages(aliceInbox(server.dataDir))).length, 1, 'one copy for the catch-all target');
});

test('storage failure: 451 4.3.0, no half-written message, and the retry is delivered', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  const newDir = join(aliceInbox(server.dataDir), 'new');
  await rm(newDir, { recursive: true });
  await writeFile(newDir, 'a file where a directory should be');
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
  const mail = { from: 'a@remote.test', to: 'alice@example.test', subject: 'retry me', text: 'x' };
  await assert.rejects(transport.sendMail(mail), (err: Error & { responseCode?: number; response?: string }) => {
    assert.equal(err.responseCode, 451);
    assert.match(err.response ?? '', /^451 4\.3\.0 /);
    return true;
  });
  assert.deepEqual(await readdir(incomingDir(server.dataDir)), [], 'spool file removed');
  assert.equal(server.service.store.index.accountUsage(server.service.directory.accounts.get('alice@example.test')!.id).messages, 0);
  await rm(newDir);
  await mkdir(newDir);
  const info = await transport.sendMail(mail);
  assert.match(info.response, /^250 /);
  assert.equal((await listMessages(aliceInbox(server.dataDir))).length, 1);
});

test('a 30 MB message arrives intact', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
  const attachment = Buffer.alloc(22 * 1024 * 1024);
  for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 2654435761) >>> 24;
  await transport.sendMail({
    from: 'a@remote.test',
    to: 'alice@example.test',
    subject: 'big',
    text: 'see attachment',
    attachments: [{ filename: 'data.bin', content: attachment }],
  });
  const [file] = await listMessages(aliceInbox(server.dataDir));
  const size = (await stat(file!.path)).size;
  assert.ok(size > 30 * 1000 * 1000, `stored ${size} bytes`);
  assert.equal(Number(/,S=(\d+)/.exec(file!.name)![1]), size);
  const text = (await readMessages(aliceInbox(server.dataDir)))[0]!;
  const b64 = /\r\n\r\n([A-Za-z0-9+/=\r\n]+)\r\n----/.exec(text.slice(text.indexOf('filename=data.bin')))![1]!;
  assert.ok(Buffer.from(b64.replace(/\r\n/g, ''), 'base64').equals(attachment), 'attachment bytes survive');
});

test('50 concurrent sessions all land, each with its own UID', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  const sends = Array.from({ length: 50 }, (_, i) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true })
      .sendMail({ from: `s${i}@remote.test`, to: 'alice@example.test', subject: `n${i}`, text: `message ${i}`, messageId: `<c${i}@remote.test>` }),
  );
  const results = await Promise.all(sends);
  assert.ok(results.every((r) => /^250 /.test(r.response)));
  const msgs = await readMessages(aliceInbox(server.dataDir));
  assert.equal(msgs.length, 50);
  for (let i = 0; i < 50; i++) assert.equal(msgs.filter((m) => m.includes(`<c${i}@remote.test>`)).length, 1);
  const uids = (server.service.db.prepare("SELECT uid FROM messages m JOIN mailboxes x ON x.id = m.mailbox_id WHERE x.name = 'INBOX' ORDER BY uid").all() as { uid: number }[]).map((r) => r.uid);
  assert.deepEqual(uids, Array.from({ length: 50 }, (_, i) => i + 1));
});
