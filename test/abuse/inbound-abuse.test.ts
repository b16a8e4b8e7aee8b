// Abuse limits of the port-25 listener, each tripped and then recovered, with real clients
// binding their own 127.0.8.x source addresses: simultaneous connections per address, connection,
// message and recipient rates, unknown recipients (tarpit, then 421 and disconnect), early talkers
// (refused while the greeting pause is on, served when they wait), greylisting per domain with
// swaks retrying, and the shared failed-login limiter on submission with Python's smtplib. Every
// refusal is logged with its reason. Time windows run on a clock the test moves (the server's
// `now`), so a slow machine can neither expire a window early nor make a test wait for one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startTestServer, type TestServerOptions } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { mailserver, run } from '../support/processes.js';
import { until as waitUntil } from '../support/until.js';

/** The server's clock: real time plus what the test has skipped. */
function testClock() {
  let skipped = 0;
  return { now: () => Date.now() + skipped, advance: (ms: number) => void (skipped += ms) };
}

/** Wait (bounded) until `done` holds: for what the server does on its own time, e.g. see a close. */
const until = (what: string, done: () => boolean, timeoutMs = 15_000) => waitUntil(what, done, timeoutMs, 20);

const MINUTE = 60_000;

async function server(t: Parameters<typeof startTestServer>[0], abuse: NonNullable<TestServerOptions['config']>['abuse'], extra: TestServerOptions['config'] = {}) {
  const clock = testClock();
  const s = await startTestServer(t, {
    accounts: { 'alice@example.test': 'alice-pw' },
    config: {
      // No DNS here: the trust checks run but find nothing (no server answers).
      dns: '127.0.8.9:9',
      trust: { trustedNetworks: [] },
      spam: { dnsbls: [], uriBlocklists: [], lookupTimeoutMs: 200 },
      abuse: { rateTimeUnitSeconds: 60, ...abuse },
      ...extra,
    },
    service: { now: clock.now },
  });
  /** Port-25 connections the server still counts as open. */
  const open = () => s.service.inboundTrust?.guard.openConnections ?? 0;
  return { ...s, clock, open };
}

function refusals(s: { log: { ring: { recent(): { msg?: string; [k: string]: unknown }[] } } }, reason: string) {
  return s.log.ring.recent().filter((r) => r.msg === 'client limited' && r.reason === reason);
}

test('simultaneous connections per address: the third gets 421 4.7.0, other addresses are served, a freed slot is reusable', async (t) => {
  const s = await server(t, { maxConnectionsPerIp: 2, connectionsPerMinutePerIp: 0 });
  const port = s.ports.smtp!;
  const a = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.30' });
  const b = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.30' });
  t.after(() => (a.dialog.close(), b.dialog.close()));
  assert.equal(a.greeting.code, 220);
  assert.equal(b.greeting.code, 220);
  const third = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.30' });
  assert.equal(third.greeting.code, 421);
  assert.match(third.greeting.text, /^4\.7\.0 Too many connections from your address/);
  const other = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.31' });
  assert.equal(other.greeting.code, 220, 'another address is not affected');
  other.dialog.close();
  a.dialog.close();
  await until('the server sees the closes', () => s.open() === 1);
  const again = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.30' });
  assert.equal(again.greeting.code, 220, 'recovered once a connection closed');
  again.dialog.close();
  assert.equal(refusals(s, 'connections-per-ip').length, 1);
});

test('connection rate: past the limit 421 until the rate unit has passed', async (t) => {
  const s = await server(t, { connectionsPerMinutePerIp: 3 });
  const port = s.ports.smtp!;
  for (let i = 0; i < 3; i++) {
    const c = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.32' });
    assert.equal(c.greeting.code, 220);
    c.dialog.close();
  }
  const refused = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.32' });
  assert.equal(refused.greeting.code, 421);
  s.clock.advance(MINUTE);
  const ok = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.32' });
  assert.equal(ok.greeting.code, 220, 'recovered');
  ok.dialog.close();
  assert.equal(refusals(s, 'connection-rate').length, 1);
});

test('message rate: nodemailer\'s third message in the unit gets 450 4.7.1; later ones are accepted', async (t) => {
  const s = await server(t, { messagesPerMinutePerIp: 2 });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.ports.smtp, ignoreTLS: true, localAddress: '127.0.8.33' });
  t.after(() => transport.close());
  const mail = (i: number) => ({ from: 'bob@remote.test', to: 'alice@example.test', subject: `m${i}`, text: 'hello' });
  await transport.sendMail(mail(1));
  await transport.sendMail(mail(2));
  await assert.rejects(transport.sendMail(mail(3)), (err: Error & { responseCode?: number; response?: string }) => {
    assert.equal(err.responseCode, 450);
    assert.match(err.response ?? '', /4\.7\.1 Too many messages from your address/);
    return true;
  });
  s.clock.advance(MINUTE);
  await transport.sendMail(mail(4));
  assert.equal((await readMessages(join(s.dataDir, 'mail/example.test/alice'))).length, 3);
  assert.equal(refusals(s, 'message-rate').length, 1);
});

test('recipient rate: past the limit RCPT gets 450 4.7.1, the accepted recipients still get the message; recovers', async (t) => {
  const s = await server(t, { recipientsPerMinutePerIp: 3 });
  s.service.directory.aliases.add('@example.test', ['alice@example.test']);
  const { dialog } = await SmtpDialog.open(s.ports.smtp!, '127.0.0.1', { localAddress: '127.0.8.34' });
  t.after(() => dialog.close());
  await dialog.command('EHLO client.remote.test');
  await dialog.command('MAIL FROM:<bob@remote.test>');
  for (const r of ['a', 'b', 'c']) assert.equal((await dialog.command(`RCPT TO:<${r}@example.test>`)).code, 250);
  const fourth = await dialog.command('RCPT TO:<d@example.test>');
  assert.equal(fourth.code, 450);
  assert.match(fourth.text, /^4\.7\.1 Too many recipients/);
  assert.equal((await dialog.command('DATA')).code, 354);
  dialog.write('Subject: x\r\n\r\nx\r\n.\r\n');
  assert.equal((await dialog.reply()).code, 250);
  s.clock.advance(MINUTE);
  await dialog.command('MAIL FROM:<bob@remote.test>');
  assert.equal((await dialog.command('RCPT TO:<e@example.test>')).code, 250, 'recovered');
  assert.equal(refusals(s, 'recipient-rate').length, 1);
});

test('unknown recipients: replies slow down past the tarpit threshold, then 421 and the connection is closed; a new session starts clean', async (t) => {
  const s = await server(t, { invalidRecipients: { tarpitAfter: 2, tarpitMs: 400, disconnectAfter: 4 } });
  const { dialog } = await SmtpDialog.open(s.ports.smtp!, '127.0.0.1', { localAddress: '127.0.8.35' });
  t.after(() => dialog.close());
  await dialog.command('EHLO client.remote.test');
  await dialog.command('MAIL FROM:<bob@remote.test>');
  const timed = async (rcpt: string) => {
    const start = Date.now();
    const r = await dialog.command(`RCPT TO:<${rcpt}>`);
    return { ...r, ms: Date.now() - start };
  };
  const first = await timed('nobody1@example.test');
  assert.equal(first.code, 550);
  const second = await timed('nobody2@example.test');
  assert.equal(second.code, 550);
  assert.ok(second.ms >= 350, `the tarpit delayed the reply (${second.ms} ms)`);
  assert.equal((await timed('alice@example.test')).code, 250, 'valid recipients are still accepted');
  assert.equal((await timed('victim@elsewhere.test')).code, 554, 'relay attempts count too');
  const last = await timed('nobody4@example.test');
  assert.equal(last.code, 421);
  assert.match(last.text, /^4\.7\.0 Too many invalid recipients/);
  await until('disconnected', () => dialog.closed);
  const fresh = await SmtpDialog.open(s.ports.smtp!, '127.0.0.1', { localAddress: '127.0.8.35' });
  t.after(() => fresh.dialog.close());
  await fresh.dialog.command('EHLO client.remote.test');
  await fresh.dialog.command('MAIL FROM:<bob@remote.test>');
  assert.equal((await fresh.dialog.command('RCPT TO:<nobody@example.test>')).code, 550, 'a new session starts with a clean count');
  assert.equal(refusals(s, 'invalid-recipients').length, 1);
  assert.ok(s.log.ring.recent().some((r) => r.msg === 'tarpit' && r.count === 2));
});

/** Connect and send EHLO at once, before any greeting; everything the server says. */
async function talkEarly(port: number, source: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: source });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (received += d));
  await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('error', reject)));
  socket.write('EHLO early.remote.test\r\n');
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    setTimeout(() => (socket.destroy(), resolve()), 5000).unref();
  });
  return received;
}

const pausedFor = (s: { log: { ring: { recent(): { msg?: string; [k: string]: unknown }[] } } }, ip: string) =>
  s.log.ring.recent().filter((r) => r.msg === 'greeting paused' && r.remote === ip);

test('early talkers: no pause without load; under load a client that speaks first gets 421, one that waits is served', async (t) => {
  const s = await server(t, { greetingPause: { pauseMs: 1000, underLoadConnections: 1 } });
  const port = s.ports.smtp!;
  const first = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.36' });
  t.after(() => first.dialog.close());
  assert.equal(first.greeting.code, 220);
  assert.equal(pausedFor(s, '127.0.8.36').length, 0, 'one connection is no load: greeted at once');
  // A second connection while the first is open: the pause is on, and talking first is refused.
  const said = await talkEarly(port, '127.0.8.37');
  assert.match(said, /^421 .*You talk too soon/m);
  assert.doesNotMatch(said, /^220 /m);
  // The same client, now waiting for the greeting: served.
  const patient = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.37' });
  t.after(() => patient.dialog.close());
  assert.equal(patient.greeting.code, 220);
  assert.equal((await patient.dialog.command('EHLO patient.remote.test')).code, 250);
  assert.ok(s.log.ring.recent().some((r) => r.msg === 'client refused: spoke before the greeting' && r.remote === '127.0.8.37'));
  assert.equal(pausedFor(s, '127.0.8.37')[0]?.reason, 'load');
});

test('early talkers: a client caught once is paused on its next connections without load; others are not', async (t) => {
  const s = await server(t, { greetingPause: { pauseMs: 800, underLoadConnections: 1 } });
  const port = s.ports.smtp!;
  const load = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.36' });
  assert.match(await talkEarly(port, '127.0.8.38'), /^421 .*You talk too soon/m);
  load.dialog.close();
  await until('no load from here on', () => s.open() === 0);
  assert.match(await talkEarly(port, '127.0.8.38'), /^421 .*You talk too soon/m, 'paused again, and caught again');
  assert.deepEqual(pausedFor(s, '127.0.8.38').map((r) => r.reason), ['load', 'suspicious: early talker']);
  await until('no load', () => s.open() === 0);
  const other = await SmtpDialog.open(port, '127.0.0.1', { localAddress: '127.0.8.39' });
  other.dialog.close();
  assert.equal(other.greeting.code, 220);
  assert.equal(pausedFor(s, '127.0.8.39').length, 0, 'other clients are greeted at once');
});

test('greylisting is per domain: the first attempt gets 451 4.7.1, the retry after the delay passes (swaks), then the client passes at once', async (t) => {
  const clock = testClock();
  const s = await startTestServer(t, {
    domains: ['example.test', 'open.test'],
    accounts: { 'alice@example.test': 'pw', 'olivia@open.test': 'pw' },
    // The default delay (5 minutes): "too soon" stays too soon however slow swaks starts here.
    config: { dns: '127.0.8.9:9', trust: { trustedNetworks: [] }, spam: { dnsbls: [], uriBlocklists: [], lookupTimeoutMs: 200 } },
    service: { now: clock.now },
  });
  const on = await mailserver(['domain', 'greylist', 'example.test', 'on', '--data', s.dataDir]);
  assert.equal(on.code, 0, on.stderr);
  const list = await mailserver(['domain', 'list', '--data', s.dataDir]);
  assert.match(list.stdout, /example\.test {2}\[greylisting\]/);
  assert.doesNotMatch(list.stdout, /open\.test {2}\[greylisting\]/);
  const swaks = (to: string, from: string, source: string) =>
    run('swaks', ['--server', `127.0.0.1:${s.ports.smtp}`, '--li', source, '--helo', 'mx.remote.test', '--from', from, '--to', to, '--header', 'Subject: grey', '--body', 'hello'], { timeoutMs: 30_000 });
  const first = await swaks('alice@example.test', 'bob@remote.test', '127.0.8.40');
  assert.notEqual(first.code, 0);
  assert.match(first.stdout, /<\*\* 451 4\.7\.1 Greylisted, please try again later/);
  const tooSoon = await swaks('alice@example.test', 'bob@remote.test', '127.0.8.40');
  assert.match(tooSoon.stdout, /<\*\* 451 4\.7\.1 Greylisted/);
  assert.equal((await swaks('olivia@open.test', 'bob@remote.test', '127.0.8.40')).code, 0, 'a domain without greylisting is not affected');
  clock.advance(5 * MINUTE + 1000);
  const retry = await swaks('alice@example.test', 'bob@remote.test', '127.0.8.40');
  assert.equal(retry.code, 0, retry.stdout);
  // The network retried once, so it now passes for another sender straight away (auto-pass).
  const other = await swaks('alice@example.test', 'carol@remote.test', '127.0.8.41');
  assert.equal(other.code, 0, other.stdout);
  // A different network starts over.
  const stranger = await swaks('alice@example.test', 'bob@remote.test', '127.0.9.40');
  assert.match(stranger.stdout, /451 4\.7\.1 Greylisted/);
  assert.equal((await readMessages(join(s.dataDir, 'mail/example.test/alice'))).length, 2);
  assert.equal(refusals(s, 'greylisted-new').length, 2);
  assert.equal(refusals(s, 'greylisted-too-soon').length, 1);
  assert.ok(s.log.ring.recent().some((r) => r.msg === 'greylist passed after retry'));
});

const SMTPLIB_LOGINS = `
import smtplib, ssl, sys, base64
port, source = int(sys.argv[1]), sys.argv[2]
def attempt(password):
    s = smtplib.SMTP('127.0.0.1', port, source_address=(source, 0), timeout=10)
    s.ehlo('client.test')
    s.starttls(context=ssl._create_unverified_context())
    s.ehlo('client.test')
    code, _ = s.docmd('AUTH', 'PLAIN ' + base64.b64encode(b'\\0alice@example.test\\0' + password.encode()).decode())
    s.quit()
    return code
codes = [attempt(p) for p in sys.argv[3:]]
print(' '.join(map(str, codes)))
`;

test('the shared failed-login limiter is configurable: smtplib locked out after 3 failures (454), let in after the lock', async (t) => {
  const s = await server(t, { logins: { ipThreshold: 3, accountThreshold: 10, ipLockSeconds: 30 } }, { ports: { submission: 0 } });
  const logins = (...passwords: string[]) => run('python3', ['-c', SMTPLIB_LOGINS, String(s.ports.submission), '127.0.8.42', ...passwords], { timeoutMs: 60_000 });
  const locked = await logins('wrong', 'wrong', 'wrong', 'alice-pw');
  assert.equal(locked.code, 0, locked.stderr);
  assert.equal(locked.stdout.trim(), '535 535 535 454', 'the right password is refused while locked');
  s.clock.advance(31_000);
  const after = await logins('alice-pw');
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout.trim(), '235', 'let in once the lock has passed');
  assert.ok(s.log.ring.recent().some((rec) => rec.msg === 'login refused: locked out' && rec.ip === '127.0.8.42'));
});
