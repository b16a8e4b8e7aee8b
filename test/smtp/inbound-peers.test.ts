// Inbound SMTP with real clients: swaks (plain and STARTTLS), Python's smtplib (8BITMIME and
// SMTPUTF8 with UTF-8 addresses), curl smtp://, nodemailer with several recipients and aliases.
// Each message must land byte for byte after our trace fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import nodemailer from 'nodemailer';
import { startTestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { run } from '../support/processes.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { makeTempDir } from '../support/temp-dir.js';

const inbox = (dataDir: string, domain: string, user: string) => join(dataDir, 'mail', domain, user);

/** The message as stored, without the Return-Path and Received fields we add. */
function body(stored: string): string {
  return stored.replace(/^Return-Path: [^\r\n]*\r\nReceived: (?:[^\r\n]*\r\n\t)*[^\r\n]*\r\n/, '');
}

test('EHLO advertises the extensions the issue names', async (t) => {
  const server = await startTestServer(t, {});
  const { dialog, greeting } = await SmtpDialog.open(server.ports.smtp!);
  t.after(() => dialog.close());
  assert.match(greeting.text, /^mail\.example\.test ESMTP/);
  const ehlo = await dialog.command('EHLO client.test');
  for (const ext of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS']) assert.ok(ehlo.lines.some((l) => l.slice(4) === ext), ext);
  assert.ok(ehlo.lines.some((l) => /^250[- ]SIZE 52428800$/.test(l)));
  assert.ok(!ehlo.lines.some((l) => /AUTH/.test(l)), 'no AUTH on the MX port');
});

test('STARTTLS presents the self-signed certificate made on first start in DATA/tls', async (t) => {
  const server = await startTestServer(t, {});
  const pem = await readFile(join(server.dataDir, 'tls/self-signed.crt'), 'utf8');
  const cert = new X509Certificate(pem);
  assert.equal(cert.checkHost('mail.example.test'), 'mail.example.test');
  assert.ok(((await stat(join(server.dataDir, 'tls/self-signed.key'))).mode & 0o077) === 0, 'key readable by its owner only');
  const { dialog } = await SmtpDialog.open(server.ports.smtp!);
  t.after(() => dialog.close());
  await dialog.command('EHLO client.test');
  await dialog.starttls();
  const presented = (dialog.socket as TLSSocket).getPeerX509Certificate()!;
  assert.equal(presented.fingerprint256, cert.fingerprint256);
  assert.equal((await dialog.command('EHLO client.test')).code, 250);
});

test('swaks, plain and with STARTTLS', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  const common = ['--server', `127.0.0.1:${server.ports.smtp}`, '--from', 'bob@remote.test', '--to', 'alice@example.test', '--timeout', '20'];
  const plain = await run('swaks', [...common, '--header', 'Subject: plain', '--body', 'plain body']);
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  const tls = await run('swaks', [...common, '--tls', '--header', 'Subject: tls', '--body', 'tls body']);
  assert.equal(tls.code, 0, tls.stdout + tls.stderr);
  assert.match(tls.stdout, /STARTTLS/);
  const msgs = await readMessages(inbox(server.dataDir, 'example.test', 'alice'));
  assert.equal(msgs.length, 2);
  const withTls = msgs.find((m) => m.includes('Subject: tls'))!;
  assert.match(withTls, /with ESMTPS \(TLSv1\.[23]:/);
  assert.match(msgs.find((m) => m.includes('Subject: plain'))!, /with ESMTP id/);
});

test("Python's smtplib: 8-bit body and SMTPUTF8 with UTF-8 addresses, stored byte for byte", async (t) => {
  const server = await startTestServer(t, { domains: ['example.test', 'bücher.example'], accounts: { 'jürgen@example.test': 'pw', 'alice@bücher.example': 'pw' } });
  const script = `
import smtplib, sys
port = int(sys.argv[1])
raw = "From: Zoë <zoë@remote.test>\\r\\nTo: jürgen@example.test\\r\\nSubject: Grüße\\r\\nMIME-Version: 1.0\\r\\nContent-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: 8bit\\r\\n\\r\\nHällo wörld, 李 — and a latin-1 byte: ".encode("utf-8") + b"\\xe9\\r\\n"
with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
    s.ehlo("python.remote.test")
    assert s.has_extn("smtputf8") and s.has_extn("8bitmime")
    refused = s.sendmail("zoë@remote.test", ["jürgen@example.test", "alice@bücher.example"], raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    assert refused == {}, refused
sys.stdout.write(raw.hex())
`;
  const r = await run('python3', ['-c', script, String(server.ports.smtp)]);
  assert.equal(r.code, 0, r.stderr);
  const sent = Buffer.from(r.stdout.trim(), 'hex').toString('latin1');
  assert.ok(sent.endsWith('\xe9\r\n'));
  for (const [domain, user] of [['example.test', 'jürgen'], ['xn--bcher-kva.example', 'alice']] as const) {
    const msgs = await readMessages(inbox(server.dataDir, domain, user));
    assert.equal(msgs.length, 1, `${user}@${domain}`);
    assert.equal(body(msgs[0]!), sent);
    assert.match(msgs[0]!, /^Return-Path: <zo\xc3\xab@remote\.test>\r\n/);
    assert.match(msgs[0]!, / with UTF8SMTP id /);
  }
});

test('curl smtp:// uploads a message', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const file = join(dir.path, 'msg.eml');
  const text = 'From: carol@remote.test\r\nTo: alice@example.test\r\nSubject: via curl\r\n\r\nHello from curl.\r\n.leading dot line\r\n';
  await writeFile(file, text);
  const r = await run('curl', ['-sS', `smtp://127.0.0.1:${server.ports.smtp}`, '--mail-from', 'carol@remote.test', '--mail-rcpt', 'alice@example.test', '--upload-file', file]);
  assert.equal(r.code, 0, r.stderr);
  const [msg] = await readMessages(inbox(server.dataDir, 'example.test', 'alice'));
  assert.equal(body(msg!), text);
});

test('nodemailer: several recipients, an alias and a plus address get one copy each', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw', 'bob@example.test': 'pw' } });
  server.service.directory.aliases.add('team@example.test', ['alice@example.test', 'bob@example.test']);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
  const info = await transport.sendMail({
    envelope: { from: 'x@remote.test', to: ['alice+lists@example.test', 'team@example.test', 'Bob@Example.Test'] },
    from: 'x@remote.test',
    to: 'team@example.test',
    subject: 'fan-out',
    text: 'once each',
  });
  assert.equal(info.accepted.length, 3);
  assert.equal((await readMessages(inbox(server.dataDir, 'example.test', 'alice'))).length, 1);
  assert.equal((await readMessages(inbox(server.dataDir, 'example.test', 'bob'))).length, 1);
  const [msg] = await readMessages(inbox(server.dataDir, 'example.test', 'bob'));
  assert.ok(!/\tfor </.test(msg!), 'no single "for" clause when there are several recipients');
});
