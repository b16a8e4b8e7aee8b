// Security and limits of IMAP and POP3: plaintext logins refused before TLS when loopback is not
// trusted (LOGINDISABLED, PRIVACYREQUIRED) and allowed after STARTTLS; one failed-login limiter
// for both protocols; mailbox names that try to leave the user's directory refused; long lines,
// huge literals and deep nesting answered BAD without losing the connection; connection limits
// per address and per user; internal errors shown as fixed text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { LineClient } from '../support/line-client.js';
import { startTestServer } from '../support/test-server.js';

async function open(port: number): Promise<LineClient> {
  const c = await LineClient.connect(port);
  await c.readLine();
  return c;
}

test('plaintext logins need TLS when loopback is not trusted; STARTTLS then allows them', async (t) => {
  const server = await startTestServer(t, {
    listeners: ['imap', 'pop3'],
    accounts: { 'alice@example.test': 'pw-alice' },
    config: { security: { plaintextAuthFromLoopback: false } },
  });
  const c = await open(server.ports.imap!);
  t.after(() => c.close());
  const caps = (await c.command('CAPABILITY')).lines[0]!;
  assert.match(caps, /LOGINDISABLED/);
  assert.doesNotMatch(caps, /AUTH=PLAIN/);
  assert.match((await c.command('LOGIN alice@example.test pw-alice')).tagged, /^NO \[PRIVACYREQUIRED\]/);
  assert.match((await c.command('AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABwdy1hbGljZQ==')).tagged, /^NO \[PRIVACYREQUIRED\]/);
  assert.match((await c.command('STARTTLS')).tagged, /^OK/);
  const secure = await new Promise<import('node:tls').TLSSocket>((resolve, reject) => {
    const s = tlsConnect({ socket: c.socket, rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
  const lines: string[] = [];
  secure.on('data', (d: Buffer) => lines.push(...d.toString().split('\r\n').filter(Boolean)));
  secure.write('s1 CAPABILITY\r\ns2 LOGIN alice@example.test pw-alice\r\n');
  for (let i = 0; i < 100 && !lines.some((l) => l.startsWith('s2 ')); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(lines.some((l) => /AUTH=PLAIN/.test(l) && !/LOGINDISABLED/.test(l)), lines.join('|'));
  assert.ok(lines.some((l) => /^s2 OK/.test(l)), lines.join('|'));
  secure.destroy();

  const p = await open(server.ports.pop3!);
  t.after(() => p.close());
  p.write('USER alice@example.test\r\n');
  assert.match(await p.readLine(), /^-ERR \[AUTH\] Plaintext/);
  p.write('CAPA\r\n');
  const capa = await p.readUntil(/^\.$/);
  assert.ok(capa.includes('STLS') && !capa.includes('USER'));
});

test('failed logins are limited across IMAP and POP3 (one shared limiter)', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap', 'pop3'], accounts: { 'alice@example.test': 'pw-alice' } });
  const c = await open(server.ports.imap!);
  t.after(() => c.close());
  for (let i = 0; i < 3; i++) assert.match((await c.command('LOGIN alice@example.test wrong')).tagged, /^NO \[AUTHENTICATIONFAILED\]/);
  const p = await open(server.ports.pop3!);
  t.after(() => p.close());
  for (let i = 0; i < 2; i++) {
    p.write('USER alice@example.test\r\nPASS wrong\r\n');
    await p.readLine();
    assert.match(await p.readLine(), /^-ERR \[AUTH\]/);
  }
  assert.match((await c.command('LOGIN alice@example.test pw-alice')).tagged, /^NO \[UNAVAILABLE\]/, 'locked even with the right password');
  p.write('USER alice@example.test\r\nPASS pw-alice\r\n');
  await p.readLine();
  assert.match(await p.readLine(), /^-ERR \[SYS\/TEMP\]/);
});

test('mailbox names cannot leave the account', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice', 'bob@example.test': 'pw-bob' } });
  const c = await open(server.ports.imap!);
  t.after(() => c.close());
  await c.command('LOGIN bob@example.test pw-bob');
  for (const name of ['"../alice"', '"../../example.test/alice/.Sent"', '"a/../b"', '"x\\\\y"', '"/etc"', '"a//b"', '"*"', '"%x"', '".hidden"', '{3+}\r\na\u0001b']) {
    const r = await c.command(`CREATE ${name}`);
    assert.match(r.tagged, /^(NO|BAD)/, `CREATE ${name}: ${r.tagged}`);
  }
  for (const name of ['"../alice"', '"../../example.test/alice"', '"/"']) {
    assert.match((await c.command(`SELECT ${name}`)).tagged, /^NO \[NONEXISTENT\]/);
  }
  const maildir = join(server.dataDir, 'mail/example.test');
  assert.deepEqual((await readdir(maildir)).sort(), ['alice', 'bob']);
  const bob = (await readdir(join(maildir, 'bob'))).filter((n) => n.startsWith('.')).sort();
  assert.deepEqual(bob, ['.Archive', '.Drafts', '.Junk', '.Sent', '.Trash'], 'nothing was created');
});

test('limits: long lines, huge literals and deep nesting are answered BAD and the session goes on', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' }, config: { limits: { maxMessageBytes: 100_000 } } });
  const c = await open(server.ports.imap!);
  t.after(() => c.close());
  await c.command('LOGIN alice@example.test pw-alice');
  c.write(`l1 NOOP ${'x'.repeat(200_000)}\r\n`);
  assert.match(await c.readLine(), /^\S+ BAD .*too long/);
  assert.match((await c.command('NOOP')).tagged, /^OK/);
  c.write('l2 LOGIN {5000000}\r\n');
  assert.match(await c.readLine(), /^l2 BAD Literal too large/);
  c.write('l3 APPEND INBOX {200000}\r\n');
  assert.match(await c.readLine(), /^l3 NO \[TOOBIG\]/);
  assert.match((await c.command(`SEARCH ${'('.repeat(50)}ALL${')'.repeat(50)}`)).tagged, /^BAD/);
  assert.match((await c.command('FETCH 1:* (FLAGS)')).tagged, /^BAD/, 'not selected');
  assert.match((await c.command('SELECT INBOX')).tagged, /^OK/);
  assert.match((await c.command('FETCH 5 (FLAGS)')).tagged, /^BAD/, 'no message 5');
  assert.match((await c.command('NOOP')).tagged, /^OK/);
});

test('limits: connections per address and sessions per user', async (t) => {
  const server = await startTestServer(t, {
    listeners: ['imap'],
    accounts: { 'alice@example.test': 'pw-alice' },
    config: { limits: { maxConnectionsPerIp: 4, maxConnectionsPerUser: 2 } },
  });
  const clients: LineClient[] = [];
  t.after(() => clients.forEach((c) => c.close()));
  for (let i = 0; i < 4; i++) clients.push(await open(server.ports.imap!));
  const fifth = await LineClient.connect(server.ports.imap!);
  clients.push(fifth);
  assert.match(await fifth.readLine(), /^\* BYE Too many connections/);
  assert.match((await clients[0]!.command('LOGIN alice@example.test pw-alice')).tagged, /^OK/);
  assert.match((await clients[1]!.command('LOGIN alice@example.test pw-alice')).tagged, /^OK/);
  assert.match((await clients[2]!.command('LOGIN alice@example.test pw-alice')).tagged, /^NO \[LIMIT\]/);
  clients[0]!.close();
  await new Promise((r) => setTimeout(r, 200));
  assert.match((await clients[3]!.command('LOGIN alice@example.test pw-alice')).tagged, /^OK/);
});

test('internal errors reach the client as fixed text; the detail goes to the log', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const account = server.service.directory.accounts.get('alice@example.test')!;
  const inbox = server.service.store.index.getMailbox(account.id, 'INBOX')!;
  await server.service.store.append(account, inbox, Buffer.from('Subject: x\r\n\r\nbody\r\n'));
  // Replace the message file by a directory of the same name: reading it fails with EISDIR.
  const folder = server.service.store.folderPath(account, inbox);
  const [name] = await readdir(join(folder, 'new'));
  await rm(join(folder, 'new', name!));
  await mkdir(join(folder, 'new', name!));
  const c = await open(server.ports.imap!);
  t.after(() => c.close());
  await c.command('LOGIN alice@example.test pw-alice');
  await c.command('SELECT INBOX');
  const r = await c.command('FETCH 1 (BODY.PEEK[])');
  assert.match(r.tagged, /^NO \[SERVERBUG\] Internal error occurred\. Refer to server log for more information\. \[[\d\-:.TZ]+\]$/);
  assert.doesNotMatch(r.tagged + r.lines.join(), /EISDIR|\//);
  const logged = server.log.ring.recent(undefined, (rec) => rec.msg === 'IMAP command failed');
  assert.equal(logged.length, 1);
  assert.match(JSON.stringify(logged[0]), /EISDIR/);
  assert.match((await c.command('NOOP')).tagged, /^OK/);
});
