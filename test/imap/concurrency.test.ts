// Two sessions on one mailbox see each other's changes at the moments RFC 9051 allows (§7.4.1,
// §5.2): EXISTS after another session's APPEND and after an SMTP delivery, FETCH FLAGS after its
// STORE, EXPUNGE after its EXPUNGE but never during a sequence-number FETCH, STORE or SEARCH;
// IDLE wakes within a second; UIDs are never reused and MODSEQ only grows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { LineClient } from '../support/line-client.js';
import { startTestServer } from '../support/test-server.js';

async function login(port: number): Promise<LineClient> {
  const c = await LineClient.connect(port);
  await c.readLine();
  const r = await c.command('LOGIN alice@example.test pw-alice');
  assert.match(r.tagged, /^OK/);
  return c;
}

test('two sessions: appends, flags and expunges reach the other session', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap', 'smtp'], accounts: { 'alice@example.test': 'pw-alice' } });
  const a = await login(server.ports.imap!);
  const b = await login(server.ports.imap!);
  t.after(() => {
    a.close();
    b.close();
  });
  await a.command('ENABLE CONDSTORE');
  assert.match((await a.command('SELECT INBOX')).lines.join('\n'), /\* 0 EXISTS/);
  await b.command('SELECT INBOX');
  for (let i = 1; i <= 3; i++) {
    const r = await b.command(`APPEND INBOX {${20 + String(i).length}+}\r\nSubject: m${i}\r\n\r\nbody ${i}\r\n`);
    assert.match(r.tagged, new RegExp(`^OK \\[APPENDUID \\d+ ${i}\\]`));
  }
  let r = await a.command('NOOP');
  assert.ok(r.lines.includes('* 3 EXISTS'), r.lines.join('|'));

  await b.command('STORE 2 +FLAGS (\\Flagged)');
  r = await a.command('NOOP');
  assert.ok(r.lines.some((l) => /^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged( \\Recent)?\) MODSEQ \(\d+\)\)$/.test(l)), r.lines.join('|'));

  await b.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await b.command('EXPUNGE');
  r = await a.command('FETCH 1:* (FLAGS)');
  assert.ok(!r.lines.some((l) => /EXPUNGE/.test(l)), 'no EXPUNGE during FETCH');
  r = await a.command('STORE 3 +FLAGS (\\Seen)');
  assert.ok(!r.lines.some((l) => /EXPUNGE/.test(l)), 'no EXPUNGE during STORE');
  r = await a.command('SEARCH ALL');
  assert.ok(!r.lines.some((l) => /EXPUNGE/.test(l)), 'no EXPUNGE during SEARCH');
  assert.deepEqual(r.lines.filter((l) => l.startsWith('* SEARCH')), ['* SEARCH 2 3'], 'the others keep their numbers until the client is told');
  r = await a.command('UID FETCH 1:* (FLAGS)');
  assert.ok(r.lines.includes('* 1 EXPUNGE'), 'EXPUNGE allowed after a UID command');
  r = await a.command('FETCH 1:* (UID)');
  assert.deepEqual(r.lines, ['* 1 FETCH (UID 2)', '* 2 FETCH (UID 3)']);

  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, secure: false, ignoreTLS: true });
  await transport.sendMail({ from: 'x@remote.test', to: 'alice@example.test', subject: 'by smtp', text: 'hello' });
  r = await a.command('NOOP');
  assert.ok(r.lines.includes('* 3 EXISTS'));
  r = await a.command('UID FETCH 4 (UID)');
  assert.deepEqual(r.lines, ['* 3 FETCH (UID 4)'], 'UID 1 is not reused');

  r = await a.command('STATUS INBOX (HIGHESTMODSEQ)');
  const m1 = Number(/HIGHESTMODSEQ (\d+)/.exec(r.lines[0]!)![1]);
  await b.command('STORE 1 -FLAGS (\\Flagged)');
  r = await a.command('STATUS INBOX (HIGHESTMODSEQ)');
  assert.ok(Number(/HIGHESTMODSEQ (\d+)/.exec(r.lines[0]!)![1]) > m1, 'MODSEQ grows');
});

test('IDLE wakes within a second of an SMTP delivery and of another session\'s APPEND', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap', 'smtp'], accounts: { 'alice@example.test': 'pw-alice' } });
  const idler = await login(server.ports.imap!);
  const other = await login(server.ports.imap!);
  t.after(() => {
    idler.close();
    other.close();
  });
  await idler.command('SELECT INBOX');
  idler.write('i1 IDLE\r\n');
  assert.match(await idler.readLine(), /^\+ /);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, secure: false, ignoreTLS: true });
  let sent = Date.now();
  await transport.sendMail({ from: 'x@remote.test', to: 'alice@example.test', subject: 'wake up', text: 'hello' });
  assert.equal(await idler.readLine(1000), '* 1 EXISTS');
  assert.equal(await idler.readLine(), '* 1 RECENT');
  assert.ok(Date.now() - sent < 1000);
  sent = Date.now();
  await other.command('APPEND INBOX {18+}\r\nSubject: x\r\n\r\nhi\r\n');
  assert.equal(await idler.readLine(1000), '* 2 EXISTS');
  assert.equal(await idler.readLine(), '* 2 RECENT');
  assert.ok(Date.now() - sent < 1000);
  await other.command('SELECT INBOX');
  await other.command('STORE 1 +FLAGS (\\Seen)');
  assert.match(await idler.readLine(1000), /^\* 1 FETCH \(UID 1 FLAGS \(\\Seen \\Recent\)\)$/);
  // iOS sends the next command in the same packet as DONE.
  idler.write('DONE\r\ni2 NOOP\r\n');
  assert.equal(await idler.readLine(), 'i1 OK Idle completed.');
  assert.equal(await idler.readLine(), 'i2 OK NOOP completed.');
});

test('IDLE with no mailbox selected (Outlook) answers sanely', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const c = await login(server.ports.imap!);
  t.after(() => c.close());
  c.write('x1 IDLE\r\n');
  assert.match(await c.readLine(), /^\+ /);
  c.write('DONE\r\n');
  assert.equal(await c.readLine(), 'x1 OK Idle completed.');
});
