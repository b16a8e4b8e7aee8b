// Submission on 587 (STARTTLS before AUTH) and 465 (implicit TLS), driven the way real clients
// drive it (CLIENTS.md): Thunderbird, K-9, Outlook and iOS conversations over raw sockets, and
// nodemailer. Local recipients are delivered at once; a remote one goes through the queue to a
// peer MTA found by MX lookup in a real DNS server. DNS on 127.0.5.20; the peer anywhere in 127.0.5.0/24.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { dkimVerify } from 'mailauth';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { run } from '../support/processes.js';
import { peerAddress } from '../support/peer-address.js';
import { DkimKeyStore, dkimRecordValue } from '../../src-mailserver/auth/dkim-keys.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Connect to `port` (implicit TLS when asked) and check the greeting. */
async function open(port: number, tls = false): Promise<SmtpDialog> {
  const { dialog, greeting } = await SmtpDialog.open(port, '127.0.0.1', { tls });
  assert.equal(greeting.code, 220);
  return dialog;
}

const ACCOUNTS = { 'alice@example.test': 'alice-pw', 'bob@example.test': 'bob-pw' };

async function server(t: import('node:test').TestContext, config = {}): Promise<TestServer> {
  const s = await startTestServer(t, { listeners: ['submission', 'smtps'], accounts: ACCOUNTS, config });
  s.service.directory.aliases.add('sales@example.test', ['alice@example.test']);
  return s;
}

async function loggedIn(s: TestServer, user = 'alice@example.test', pass = 'alice-pw'): Promise<SmtpDialog> {
  const c = await open(s.ports.submission!);
  await c.command('EHLO client.test');
  await c.starttls();
  await c.command('EHLO client.test');
  const r = await c.command(`AUTH PLAIN ${b64(`\0${user}\0${pass}`)}`);
  assert.equal(r.code, 235, r.text);
  return c;
}

const bobInbox = (s: TestServer) => join(s.dataDir, 'mail/example.test/bob');

test('587 offers AUTH only after STARTTLS and refuses AUTH before it', async (t) => {
  const s = await server(t);
  const c = await open(s.ports.submission!);
  t.after(() => c.close());
  const ehlo = await c.command('EHLO client.test');
  assert.ok(ehlo.lines.some((l) => /STARTTLS/.test(l)));
  assert.ok(!ehlo.lines.some((l) => /AUTH/.test(l)), 'no AUTH in clear text (if this fails, node_modules lacks patches/smtp-server: run npx patch-package)');
  assert.equal((await c.command(`AUTH PLAIN ${b64('\0alice@example.test\0alice-pw')}`)).code, 538);
  assert.equal((await c.command('MAIL FROM:<alice@example.test>')).code, 530);
  await c.starttls();
  const secured = await c.command('EHLO client.test');
  assert.ok(secured.lines.some((l) => /AUTH PLAIN LOGIN/.test(l)));
  assert.ok(!secured.lines.some((l) => /STARTTLS/.test(l)));
});

test('Thunderbird: lower-case commands, AUTH PLAIN waiting for the 334, no pipelining; the local copy is in the INBOX before the 250', async (t) => {
  const s = await server(t);
  const c = await open(s.ports.submission!);
  t.after(() => c.close());
  await c.command('ehlo [192.168.1.20]');
  await c.starttls();
  await c.command('ehlo [192.168.1.20]');
  assert.equal((await c.command('auth plain')).code, 334);
  assert.equal((await c.command(b64('\0alice@example.test\0alice-pw'))).code, 235);
  assert.equal((await c.command('mail from:<alice@example.test> size=200')).code, 250);
  assert.equal((await c.command('rcpt to:<bob@example.test>')).code, 250);
  assert.equal((await c.command('data')).code, 354);
  const done = await c.command(
    'From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: hi\r\nMessage-ID: <tb-1@example.test>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nHello Bob\r\n.',
  );
  assert.equal(done.code, 250, done.text);
  assert.match(done.text, /^2\.0\.0 Ok: queued as q/);
  const [msg] = await readMessages(bobInbox(s));
  assert.ok(msg, 'delivered before the 250');
  assert.match(msg!, /^Return-Path: <alice@example\.test>\r\nReceived: from \[192\.168\.1\.20\] \(\[127\.0\.0\.1\]\)\r\n\tby mail\.example\.test with ESMTPSA \(TLS/);
  assert.match(msg!, /Message-ID: <tb-1@example\.test>/);
  assert.equal(msg!.match(/^Message-ID:/gim)!.length, 1, 'an existing Message-ID is kept, not doubled');
  assert.equal(msg!.match(/^Date:/gim)!.length, 1);
  assert.deepEqual(s.service.queue.store.messageIds(), [], 'nothing queued for a local recipient');
});

test('Outlook: AUTH LOGIN with the exact Username:/Password: challenges, "MAIL FROM: <a>" with a space, no Message-ID or Date (both added)', async (t) => {
  const s = await server(t);
  const c = await open(s.ports.submission!);
  t.after(() => c.close());
  await c.command('EHLO OutlookPC');
  await c.starttls();
  await c.command('EHLO OutlookPC');
  const user = await c.command('AUTH LOGIN');
  assert.deepEqual([user.code, user.text], [334, 'VXNlcm5hbWU6']);
  const pass = await c.command(b64('alice@example.test'));
  assert.deepEqual([pass.code, pass.text], [334, 'UGFzc3dvcmQ6']);
  assert.equal((await c.command(b64('alice-pw'))).code, 235);
  assert.equal((await c.command('MAIL FROM: <alice@example.test>')).code, 250);
  assert.equal((await c.command('RCPT TO: <bob@example.test>')).code, 250);
  assert.equal((await c.command('DATA')).code, 354);
  assert.equal((await c.command('From: alice@example.test\r\nTo: bob@example.test\r\nSubject: no id\r\n\r\nbody\r\n.')).code, 250);
  const [msg] = await readMessages(bobInbox(s));
  assert.match(msg!, /^Message-ID: <[^@\s>]+@mail\.example\.test>\r$/m);
  assert.match(msg!, /^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r$/m);
});

test('K-9: MAIL and RCPT pipelined in one packet; a refused RCPT is answered in order', async (t) => {
  const s = await server(t);
  const c = await loggedIn(s);
  t.after(() => c.close());
  c.write('MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody@example.test>\r\nDATA\r\n');
  assert.equal((await c.reply()).code, 250);
  assert.equal((await c.reply()).code, 250);
  const refused = await c.reply();
  assert.equal(refused.code, 550);
  assert.match(refused.text, /^5\.1\.1 /);
  assert.equal((await c.reply()).code, 354);
  assert.equal((await c.command('From: alice@example.test\r\nSubject: k9\r\n\r\nhi\r\n.')).code, 250);
  assert.equal((await readMessages(bobInbox(s))).length, 1);
});

test('iOS: SMTPUTF8 with non-ASCII content and no 8BITMIME is accepted and stored byte for byte', async (t) => {
  const s = await server(t);
  const c = await loggedIn(s);
  t.after(() => c.close());
  assert.equal((await c.command('MAIL FROM:<alice@example.test> SMTPUTF8')).code, 250);
  assert.equal((await c.command('RCPT TO:<bob@example.test>')).code, 250);
  assert.equal((await c.command('DATA')).code, 354);
  c.write(Buffer.from('From: alice@example.test\r\nSubject: Grüße aus Köln\r\n\r\nÜberall 😀\r\n.\r\n', 'utf8'));
  const r = await c.reply();
  assert.equal(r.code, 250, r.text);
  const [msg] = await readMessages(bobInbox(s));
  assert.match(Buffer.from(msg!, 'latin1').toString('utf8'), /Subject: Grüße aus Köln/);
});

test('sender ownership: MAIL FROM of another user or a foreign domain is refused with 553 5.7.1; aliases and sub-addresses are allowed; so is the header From', async (t) => {
  const s = await server(t);
  const c = await loggedIn(s);
  t.after(() => c.close());
  for (const other of ['bob@example.test', 'ceo@bank.test', 'nobody@example.test']) {
    const r = await c.command(`MAIL FROM:<${other}>`);
    assert.equal(r.code, 553, other);
    assert.match(r.text, /^5\.7\.1 /);
  }
  for (const own of ['sales@example.test', 'alice+lists@example.test', 'ALICE@Example.Test']) {
    assert.equal((await c.command(`MAIL FROM:<${own}>`)).code, 250, own);
    assert.equal((await c.command('RSET')).code, 250);
  }
  assert.equal((await c.command('MAIL FROM:<alice@example.test>')).code, 250);
  assert.equal((await c.command('RCPT TO:<bob@example.test>')).code, 250);
  assert.equal((await c.command('DATA')).code, 354);
  const forged = await c.command('From: Bob <bob@example.test>\r\nSubject: forged\r\n\r\nx\r\n.');
  assert.equal(forged.code, 553);
  assert.match(forged.text, /^5\.7\.1 /);
  assert.equal((await c.command('MAIL FROM:<alice@example.test>')).code, 250);
  assert.equal((await c.command('RCPT TO:<bob@example.test>')).code, 250);
  assert.equal((await c.command('DATA')).code, 354);
  assert.equal((await c.command('From: Sales <sales@example.test>\r\nSubject: as alias\r\n\r\nx\r\n.')).code, 250);
  const messages = await readMessages(bobInbox(s));
  assert.equal(messages.length, 1, 'the forged message was not delivered');
  assert.match(messages[0]!, /Subject: as alias/);
});

test('failed logins count in the shared limiter: 535, then the account is locked (454) even with the right password', async (t) => {
  const s = await server(t);
  const c = await open(s.ports.submission!);
  t.after(() => c.close());
  await c.command('EHLO client.test');
  await c.starttls();
  await c.command('EHLO client.test');
  for (let i = 0; i < 5; i++) {
    const r = await c.command(`AUTH PLAIN ${b64('\0alice@example.test\0wrong')}`);
    assert.equal(r.code, 535);
    assert.match(r.text, /^5\.7\.8 /);
  }
  assert.equal(s.service.authenticator.limiter.check('127.0.0.1', 'alice@example.test').allowed, false);
  const locked = await c.command(`AUTH PLAIN ${b64('\0alice@example.test\0alice-pw')}`);
  assert.equal(locked.code, 454);
  const proxy = await c.command(`AUTH PLAIN ${b64('bob@example.test\0alice@example.test\0alice-pw')}`);
  assert.equal(proxy.code, 535, 'no logging in as someone else');
});

test('465 with implicit TLS: nodemailer sends to a local and a remote recipient; the remote copy is DKIM-signed (RSA and Ed25519) and verifies', async (t) => {
  const mx = await peerAddress();
  const dns = await startKnot(t, '127.0.5.20', { 'remote.test': zoneHeader('remote.test', '127.0.5.20') + `@ MX 10 mx.remote.test.\nmx A ${mx}\n` });
  const sink = await startSmtpSink(t, { address: mx });
  const s = await server(t, { dns: dns.server });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: s.ports.smtps,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'alice@example.test', pass: 'alice-pw' },
  });
  t.after(() => transport.close());
  const info = await transport.sendMail({
    from: 'Alice <alice@example.test>',
    to: ['bob@example.test', 'carol@remote.test'],
    subject: 'signed',
    text: 'This one is signed.\n',
  });
  assert.deepEqual(info.accepted.sort(), ['bob@example.test', 'carol@remote.test']);
  assert.equal((await readMessages(bobInbox(s))).length, 1);
  const [remote] = await sink.waitForMessages(1);
  const text = remote!.data.toString('latin1');
  assert.doesNotMatch(text, /^Return-Path:/im);
  const signatures = text.match(/^DKIM-Signature:/gim) ?? [];
  assert.equal(signatures.length, 2);
  assert.match(text, /a=rsa-sha256/);
  assert.match(text, /a=ed25519-sha256/);
  const keys = new DkimKeyStore(s.service.db).active('example.test');
  const records = new Map(keys.map((k) => [`${k.selector}._domainkey.example.test`, dkimRecordValue(k)]));
  const result = await dkimVerify(remote!.data, {
    resolver: async (name: string, type: string) => {
      const v = records.get(name);
      if (type !== 'TXT' || !v) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return [[v]];
    },
  });
  assert.deepEqual(
    result.results.map((r) => r.status.result),
    ['pass', 'pass'],
  );
});

test('unknown local recipients get 550 5.1.1, oversized messages 552, and nothing is stored', async (t) => {
  const s = await server(t, { limits: { maxMessageBytes: 2000 } });
  const c = await loggedIn(s);
  t.after(() => c.close());
  assert.equal((await c.command('MAIL FROM:<alice@example.test>')).code, 250);
  assert.equal((await c.command('RCPT TO:<ghost@example.test>')).code, 550);
  assert.equal((await c.command('RCPT TO:<bob@example.test>')).code, 250);
  assert.equal((await c.command('DATA')).code, 354);
  const big = await c.command(`From: alice@example.test\r\n\r\n${'x'.repeat(3000)}\r\n.`);
  assert.equal(big.code, 552);
  assert.equal((await readMessages(bobInbox(s))).length, 0);
});

test('swaks submits over STARTTLS with AUTH LOGIN', async (t) => {
  const s = await server(t);
  const r = await run('swaks', [
    '--server', `127.0.0.1:${s.ports.submission}`,
    '--tls', '--auth', 'LOGIN', '--auth-user', 'alice@example.test', '--auth-password', 'alice-pw',
    '--from', 'alice@example.test', '--to', 'bob@example.test', '--header', 'Subject: from swaks', '--body', 'swaks body',
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /<~\s+250 2\.0\.0 Ok: queued as q/);
  const [msg] = await readMessages(bobInbox(s));
  assert.match(msg!, /Subject: from swaks/);
});
