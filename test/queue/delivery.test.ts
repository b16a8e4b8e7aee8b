// Outbound delivery against real peers found through a real DNS server (knot): a peer answering
// 4xx then 2xx (the retry delivers), one answering 5xx (the bounce lands in the sender's INBOX),
// one that is down (deferred, then expiry), a Null MX domain, per-recipient results across three
// domains, the A fallback without MX, connection reuse, opportunistic STARTTLS and the greeting
// timeout. Mail is submitted by nodemailer on 587. DNS on 127.0.5.30; peers anywhere in 127.0.5.0/24.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { readOverImap } from '../support/imap-reader.js';
import { makeTestCa } from '../support/test-ca.js';
import { peerAddress } from '../support/peer-address.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import type { ConfigInput } from '../../src-mailserver/config/config.js';
import { until } from '../support/until.js';

const DNS = '127.0.5.30';
/** Peer addresses, picked free at random in 127.0.5.0/24 (see peer-address.ts), by the number the tests use. */
const P: Record<number, string> = {};
/** Pick fresh addresses for these numbers, right before the test binds them. */
async function peers(...numbers: number[]): Promise<void> {
  for (const n of numbers) P[n] = await peerAddress();
}

function zone(name: string, records: string): Record<string, string> {
  return { [name]: zoneHeader(name, DNS) + records };
}

async function setup(t: TestContext, zones: Record<string, string>, config: ConfigInput = {}): Promise<{ server: TestServer; send: (to: string[], subject?: string) => Promise<string> }> {
  const dns = await startKnot(t, DNS, zones);
  const server = await startTestServer(t, {
    listeners: ['submission', 'imap'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: {
      dns: dns.server,
      ...config,
      queue: { retryBaseSeconds: 0.2, retryMaxSeconds: 0.5, ...config.queue },
      outbound: { greetingTimeoutSeconds: 2, commandTimeoutSeconds: 5, connectTimeoutSeconds: 2, ...config.outbound },
    },
  });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.ports.submission,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'alice@example.test', pass: 'alice-pw' },
  });
  t.after(() => transport.close());
  const send = async (to: string[], subject = 'test') => {
    const info = await transport.sendMail({ from: 'Alice <alice@example.test>', to, subject, text: `body of ${subject}\n` });
    return info.messageId;
  };
  return { server, send };
}

/** The reports (multipart/report) in alice's INBOX, or null while there are none. */
async function reports(s: TestServer): Promise<string[] | null> {
  const found = (await readMessages(join(s.dataDir, 'mail/example.test/alice'))).filter((m) => /multipart\/report/.test(m));
  return found.length > 0 ? found : null;
}

const inbox = (s: TestServer) => readMessages(join(s.dataDir, 'mail/example.test/alice'));
const queueEmpty = (s: TestServer) => s.service.queue.store.messageIds().length === 0;

test('a peer answering 451 and then 250: deferred with the reply recorded, then delivered by the retry', async (t) => {
  await peers(31);
  let greylisting = true;
  let refusals = 0;
  const sink = await startSmtpSink(t, {
    address: `${P[31]}`,
    onRcpt: () => (greylisting ? (refusals++, { code: 451, text: '4.7.1 Greylisted, try again later' }) : null),
  });
  const { server, send } = await setup(t, zone('grey.test', `@ MX 10 mx.grey.test.\nmx A ${P[31]}\n`));
  const seen: string[] = [];
  const off = server.service.queue.onChange((c) => seen.push(c.type));
  t.after(off);
  await send(['bob@grey.test']);
  const entry = await until('a recorded deferral', () => server.service.queue.operations.list().find((e) => e.recipients[0]!.attempts >= 1));
  assert.equal(entry.recipients[0]!.status, 'queued');
  assert.match(entry.recipients[0]!.lastReply!, /^451 4\.7\.1 Greylisted/);
  assert.equal(entry.recipients[0]!.remoteMta, 'mx.grey.test');
  assert.ok(entry.recipients[0]!.nextAttemptAt! > entry.recipients[0]!.lastAttemptAt!);
  greylisting = false;
  const [msg] = await sink.waitForMessages(1);
  assert.deepEqual(msg!.to, ['bob@grey.test']);
  await until('the queue to empty', () => queueEmpty(server));
  // 'removed' is announced once the files are gone too, a moment after the row.
  await until('the removed event', () => seen.includes('removed'));
  assert.ok(refusals >= 1);
  assert.ok(seen.includes('added') && seen.includes('updated'));
  assert.equal((await inbox(server)).length, 0, 'no report for a delivered message');
});

test('a peer answering 550: the bounce (RFC 3464, original headers) lands in the sender\'s INBOX at once, read over IMAP', async (t) => {
  await peers(32);
  const sink = await startSmtpSink(t, { address: `${P[32]}`, onRcpt: (a) => (a.startsWith('nobody') ? { code: 550, text: '5.1.1 User unknown' } : null) });
  const { server, send } = await setup(t, zone('strict.test', `@ MX 10 mx.strict.test.\nmx A ${P[32]}\n`));
  const messageId = await send(['nobody@strict.test', 'real@strict.test'], 'will bounce');
  await until('the bounce', () => reports(server));
  const [bounce] = (await readOverImap(server.ports.imap!, 'alice@example.test', 'alice-pw')).filter((m) => /multipart\/report/.test(m));
  assert.ok(bounce, 'the bounce is in the INBOX over IMAP');
  assert.match(bounce!, /^Return-Path: <>\r\n/);
  assert.match(bounce!, /^From: Mail Delivery System <MAILER-DAEMON@mail\.example\.test>\r$/m);
  assert.match(bounce!, /^To: <alice@example\.test>\r$/m);
  assert.match(bounce!, /^Subject: Undelivered Mail Returned to Sender\r$/m);
  assert.match(bounce!, /^Auto-Submitted: auto-replied\r$/m);
  assert.match(bounce!, /Content-Type: multipart\/report; report-type=delivery-status;/);
  assert.match(bounce!, /Content-Type: message\/delivery-status\r\n\r\nReporting-MTA: dns; mail\.example\.test\r\n/);
  assert.match(bounce!, /Final-Recipient: rfc822; nobody@strict\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\nRemote-MTA: dns; mx\.strict\.test\r\nDiagnostic-Code: smtp; 550 5\.1\.1 User unknown/);
  assert.doesNotMatch(bounce!, /Final-Recipient: rfc822; real@/, 'only the failed recipient is reported');
  assert.match(bounce!, /Content-Type: text\/rfc822-headers\r\n\r\n[^]*Subject: will bounce/);
  assert.ok(bounce!.includes(`In-Reply-To: ${messageId}`));
  const [delivered] = await sink.waitForMessages(1);
  assert.deepEqual(delivered!.to, ['real@strict.test'], 'the other recipient was delivered in the same transaction');
  await until('the queue to empty', () => queueEmpty(server));
});

test('a peer that is down: deferred with the connection error, then bounced when the (shortened) lifetime ends', async (t) => {
  await peers(33);
  const { server, send } = await setup(t, zone('down.test', `@ MX 10 mx.down.test.\nmx A ${P[33]}\n`), { queue: { lifetimeSeconds: 5, delayNoticeSeconds: 0 } });
  // Each deferral as it is committed (change events are emitted synchronously after the write),
  // so a slow machine cannot make the test miss the deferred state before the expiry.
  const deferrals: { attempts: number; lastReply: string | null; nextAttemptAt: number | null }[] = [];
  const off = server.service.queue.onChange((c) => {
    if (c.type !== 'updated') return;
    const r = server.service.queue.operations.list().find((e) => e.id === c.id)?.recipients[0];
    if (r && r.status === 'queued' && r.attempts >= 1) deferrals.push({ attempts: r.attempts, lastReply: r.lastReply, nextAttemptAt: r.nextAttemptAt });
  });
  t.after(off);
  await send(['bob@down.test'], 'nobody home');
  const [bounce] = await until('the expiry bounce', () => reports(server), 60_000);
  assert.ok(deferrals.length >= 1, 'deferred before the lifetime ended');
  assert.match(deferrals[0]!.lastReply!, /^connect to mx\.down\.test\[127\.0\.5\.\d+\]: .*ECONNREFUSED/);
  assert.ok(deferrals[0]!.nextAttemptAt !== null);
  assert.match(bounce!, /Action: failed\r\nStatus: 4\.4\.1\r\n/);
  assert.match(bounce!, /delivery time expired; last error: connect to mx\.down\.test\[127\.0\.5\.\d+\]: .*ECONNREFUSED/);
  await until('the queue to empty', () => queueEmpty(server));
});

test('a delay notice goes to the sender once, while delivery goes on', async (t) => {
  await peers(34);
  const { server, send } = await setup(t, zone('slow.test', `@ MX 10 mx.slow.test.\nmx A ${P[34]}\n`), { queue: { lifetimeSeconds: 60, delayNoticeSeconds: 1 } });
  await send(['bob@slow.test'], 'taking a while');
  const [notice] = await until('the delay notice', () => reports(server), 60_000);
  assert.match(notice!, /^Subject: Delayed Mail \(still being retried\)\r$/m);
  assert.match(notice!, /Action: delayed\r\nStatus: 4\.4\.1\r\n/);
  assert.match(notice!, /Will-Retry-Until: /);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await inbox(server)).length, 1, 'one notice only');
  assert.equal(server.service.queue.store.messageIds().length, 1, 'still queued');
});

test('a Null MX domain (RFC 7505) is bounced at once, without a connection', async (t) => {
  const { server, send } = await setup(t, zone('nomail.test', '@ MX 0 .\n'));
  await send(['bob@nomail.test']);
  const [bounce] = await until('the bounce', () => reports(server));
  assert.match(bounce!, /Final-Recipient: rfc822; bob@nomail\.test\r\nAction: failed\r\nStatus: 5\.1\.10\r\n/);
  assert.match(bounce!, /does not accept mail \(null MX\)/);
});

test('one message to three domains: two delivered, the third deferred and retried alone', async (t) => {
  await peers(35, 36, 37);
  const a = await startSmtpSink(t, { address: `${P[35]}` });
  const b = await startSmtpSink(t, { address: `${P[36]}` });
  let cFull = true;
  const c = await startSmtpSink(t, { address: `${P[37]}`, onRcpt: () => (cFull ? { code: 452, text: '4.2.2 Over quota, try later' } : null) });
  const zones = {
    ...zone('a.test', `@ MX 10 mx.a.test.\nmx A ${P[35]}\n`),
    ...zone('b.test', `@ MX 10 mx.b.test.\nmx A ${P[36]}\n`),
    ...zone('c.test', `@ MX 10 mx.c.test.\nmx A ${P[37]}\n`),
  };
  const { server, send } = await setup(t, zones, { queue: { retryBaseSeconds: 1, retryMaxSeconds: 1 } });
  await send(['x@a.test', 'y@b.test', 'z@c.test']);
  await a.waitForMessages(1);
  await b.waitForMessages(1);
  const entry = await until('the split result', () => {
    const e = server.service.queue.operations.list()[0];
    return e && e.recipients.filter((r) => r.status === 'sent').length === 2 && e.recipients.find((r) => r.address === 'z@c.test' && r.attempts >= 1) ? e : null;
  });
  assert.equal(entry.recipients.find((r) => r.address === 'z@c.test')!.status, 'queued');
  cFull = false;
  await c.waitForMessages(1);
  await until('the queue to empty', () => queueEmpty(server));
  assert.equal(a.messages.length + b.messages.length, 2, 'the delivered domains were not tried again');
});

test('no MX: the domain\'s own A record is used; MX preference order is followed past a dead host', async (t) => {
  await peers(38, 39, 40);
  const direct = await startSmtpSink(t, { address: `${P[38]}` });
  const backup = await startSmtpSink(t, { address: `${P[39]}` });
  const zones = {
    ...zone('plain.test', `@ A ${P[38]}\n`),
    ...zone('pref.test', `@ MX 5 dead.pref.test.\n@ MX 20 backup.pref.test.\ndead A ${P[40]}\nbackup A ${P[39]}\n`),
  };
  const { send } = await setup(t, zones);
  await send(['a@plain.test']);
  await send(['b@pref.test']);
  assert.deepEqual((await direct.waitForMessages(1))[0]!.to, ['a@plain.test']);
  assert.deepEqual((await backup.waitForMessages(1))[0]!.to, ['b@pref.test']);
});

test('several queued messages to one host go over one connection', async (t) => {
  await peers(41);
  const sink = await startSmtpSink(t, { address: `${P[41]}` });
  const { server, send } = await setup(t, zone('busy.test', `@ MX 10 mx.busy.test.\nmx A ${P[41]}\n`));
  await sink.stop();
  for (let i = 0; i < 3; i++) await send([`u${i}@busy.test`], `m${i}`);
  await until('three deferrals', () => server.service.queue.operations.list().filter((e) => e.recipients[0]!.attempts >= 1).length === 3);
  for (const e of server.service.queue.operations.list()) server.service.queue.operations.hold(e.id);
  const again = await startSmtpSink(t, { address: `${P[41]}` });
  for (const e of server.service.queue.operations.list()) server.service.queue.operations.release(e.id);
  await again.waitForMessages(3);
  assert.equal(again.connections, 1);
});

test('opportunistic STARTTLS: TLS is used when offered (any certificate)', async (t) => {
  await peers(42);
  const ca = await makeTestCa();
  t.after(() => ca.remove());
  const pair = await ca.issue(['some.other.name']);
  const sink = await startSmtpSink(t, { address: `${P[42]}`, tls: pair });
  const { send } = await setup(t, zone('tls.test', `@ MX 10 mx.tls.test.\nmx A ${P[42]}\n`));
  await send(['bob@tls.test']);
  const [msg] = await sink.waitForMessages(1);
  assert.equal(msg!.secure, true);
  assert.match(msg!.tlsVersion ?? '', /TLSv1\.[23]/);
});

test('a peer that accepts the connection but never greets is given up after the greeting timeout and retried', async (t) => {
  await peers(43);
  const sockets = new Set<import('node:net').Socket>();
  const silent: Server = createServer((s) => sockets.add(s));
  await new Promise<void>((r) => silent.listen(25, `${P[43]}`, () => r()));
  t.after(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const { server, send } = await setup(t, zone('mute.test', `@ MX 10 mx.mute.test.\nmx A ${P[43]}\n`), { outbound: { greetingTimeoutSeconds: 0.5 } });
  await send(['bob@mute.test']);
  const entry = await until('a deferral', () => server.service.queue.operations.list().find((e) => e.recipients[0]!.attempts >= 1), 60_000);
  assert.match(entry.recipients[0]!.lastReply!, /timed out|Greeting never received/i);
  assert.equal(entry.recipients[0]!.status, 'queued');
});

test('a TLS handshake that fails is retried at once without TLS (opportunistic, RFC 7435)', async (t) => {
  await peers(44);
  const ca = await makeTestCa();
  t.after(() => ca.remove());
  const sink = await startSmtpSink(t, { address: `${P[44]}`, tls: await ca.issue(['mx.oldtls.test']), tlsOptions: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' } });
  const { send } = await setup(t, zone('oldtls.test', `@ MX 10 mx.oldtls.test.\nmx A ${P[44]}\n`));
  await send(['bob@oldtls.test']);
  const [msg] = await sink.waitForMessages(1);
  assert.equal(msg!.secure, false);
  assert.equal(sink.connections, 2, 'one failed TLS attempt, then plain text');
});

test('a peer that stops answering after DATA is cut off by the command timeout and the message retried', async (t) => {
  await peers(45);
  let hang = true;
  const sink = await startSmtpSink(t, {
    address: `${P[45]}`,
    beforeDataReply: () => (hang ? new Promise<void>(() => undefined) : Promise.resolve()),
  });
  const { server, send } = await setup(t, zone('stuck.test', `@ MX 10 mx.stuck.test.\nmx A ${P[45]}\n`), { outbound: { commandTimeoutSeconds: 1 } });
  await send(['bob@stuck.test']);
  const entry = await until('a deferral', () => server.service.queue.operations.list().find((e) => e.recipients[0]!.attempts >= 1), 60_000);
  assert.match(entry.recipients[0]!.lastReply!, /lost connection with mx\.stuck\.test while sending .*timed out/i);
  assert.equal(entry.recipients[0]!.statusCode, '4.4.2');
  hang = false;
  await sink.waitForMessages(1);
});

test('a message bigger than the peer\'s SIZE, or an internationalised address it cannot take, bounces (5.3.4, 5.6.7)', async (t) => {
  await peers(46);
  const sink = await startSmtpSink(t, { address: `${P[46]}`, size: 2000, noSmtpUtf8: true });
  const { server, send } = await setup(t, zone('small.test', `@ MX 10 mx.small.test.\nmx A ${P[46]}\n`));
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'alice@example.test', pass: 'alice-pw' } });
  t.after(() => transport.close());
  await transport.sendMail({ from: 'alice@example.test', to: 'bob@small.test', subject: 'big', text: 'x'.repeat(5000) });
  await send(['jörg@small.test'], 'utf8');
  const found = await until('two reports', async () => {
    const r = await reports(server);
    return r && r.length === 2 ? r : null;
  });
  const text = Buffer.from(found.join('\n'), 'latin1').toString('utf8');
  assert.match(text, /Final-Recipient: rfc822; bob@small\.test\r\nAction: failed\r\nStatus: 5\.3\.4\r\n/);
  assert.match(text, /its limit: 2000 bytes/);
  assert.match(text, /Final-Recipient: utf-8; jörg@small\.test\r\nAction: failed\r\nStatus: 5\.6\.7\r\n/);
  assert.equal(sink.messages.length, 0);
});

test('NOTIFY=SUCCESS: the sender gets a "relayed" report once the peer has the message; NOTIFY=NEVER silences a failure', async (t) => {
  await peers(47);
  const sink = await startSmtpSink(t, { address: P[47]!, onRcpt: (a) => (a.startsWith('no') ? { code: 550, text: '5.1.1 Unknown' } : null) });
  const { server } = await setup(t, zone('dsn.test', `@ MX 10 mx.dsn.test.\nmx A ${P[47]}\n`));
  const { dialog } = await SmtpDialog.open(server.ports.submission!);
  t.after(() => dialog.close());
  await dialog.command('EHLO client.test');
  await dialog.starttls();
  await dialog.command('EHLO client.test');
  assert.equal((await dialog.command(`AUTH PLAIN ${Buffer.from('\0alice@example.test\0alice-pw').toString('base64')}`)).code, 235);
  assert.equal((await dialog.command('MAIL FROM:<alice@example.test> RET=HDRS ENVID=track-7')).code, 250);
  assert.equal((await dialog.command('RCPT TO:<yes@dsn.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;yes@dsn.test')).code, 250);
  assert.equal((await dialog.command('RCPT TO:<nope@dsn.test> NOTIFY=NEVER')).code, 250);
  assert.equal((await dialog.command('DATA')).code, 354);
  assert.equal((await dialog.command('From: alice@example.test\r\nSubject: track me\r\n\r\nbody\r\n.')).code, 250);
  await sink.waitForMessages(1);
  const [report] = await until('the success report', () => reports(server));
  assert.match(report!, /^Subject: Successful Mail Delivery Report\r$/m);
  assert.match(report!, /Original-Envelope-Id: track-7\r\n/);
  assert.match(report!, /Original-Recipient: rfc822;yes@dsn\.test\r\nFinal-Recipient: rfc822; yes@dsn\.test\r\nAction: relayed\r\nStatus: 2\.0\.0\r\n/);
  await until('the queue to empty', () => queueEmpty(server));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await reports(server))!.length, 1, 'no failure report for NOTIFY=NEVER');
});

test('per-domain concurrency: a backlog to one domain uses at most the configured number of connections', async (t) => {
  await peers(48);
  const sink = await startSmtpSink(t, { address: P[48]!, beforeDataReply: () => new Promise((r) => setTimeout(r, 150)) });
  const { server, send } = await setup(t, zone('wide.test', `@ MX 10 mx.wide.test.\nmx A ${P[48]}\n`), { queue: { perDomainConcurrency: 2 } });
  await sink.stop();
  for (let i = 0; i < 12; i++) await send([`u${i}@wide.test`], `w${i}`);
  await until('twelve deferrals', () => server.service.queue.operations.list().filter((e) => e.recipients[0]!.attempts >= 1).length === 12);
  for (const e of server.service.queue.operations.list()) server.service.queue.operations.hold(e.id);
  const again = await startSmtpSink(t, { address: P[48]!, beforeDataReply: () => new Promise((r) => setTimeout(r, 150)) });
  for (const e of server.service.queue.operations.list()) server.service.queue.operations.release(e.id);
  await again.waitForMessages(12);
  assert.equal(again.maxConcurrent, 2);
  assert.equal(again.connections, 2, 'each connection carried several messages');
});
