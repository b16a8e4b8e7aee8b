// POP3 through Python's poplib and curl: CAPA, STLS, USER/PASS, AUTH PLAIN, STAT, LIST, UIDL,
// RETR (dot-stuffed, CRLF), TOP, DELE, RSET, QUIT expunging, POP3S on 995, curl pop3:// and
// pop3s://, and RETR marking the message \Seen for IMAP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../support/processes.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

async function seed(server: TestServer, messages: string[]): Promise<void> {
  const store = server.service.store;
  const account = server.service.directory.accounts.get('alice@example.test')!;
  const inbox = store.index.getMailbox(account.id, 'INBOX')!;
  for (const m of messages) await store.append(account, inbox, Buffer.from(m));
}

const M1 = 'From: bob@example.com\r\nSubject: first\r\n\r\nline one\r\n.starts with a dot\r\n..two dots\r\nlast\r\n';
const M2 = 'From: carol@example.org\nSubject: lf only\n\nbody 1\nbody 2\nbody 3\n';

const SCRIPT = String.raw`
import poplib, json, sys, ssl
port, mode = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
out = {}
d = lambda v: v.decode('latin1') if isinstance(v, bytes) else [d(x) for x in v] if isinstance(v, (list, tuple)) else v
if mode == 'ssl':
    P = poplib.POP3_SSL('127.0.0.1', port, context=ctx)
else:
    P = poplib.POP3('127.0.0.1', port)
out['welcome'] = d(P.getwelcome())
out['capa'] = {k: d(v) for k, v in P.capa().items()}
if mode == 'stls':
    out['stls'] = d(P.stls(context=ctx))
    out['capa2'] = {k: d(v) for k, v in P.capa().items()}
try:
    P.user('alice@example.test'); P.pass_('wrong')
except poplib.error_proto as e:
    out['badpass'] = d(e.args[0])
out['user'] = d(P.user('alice@example.test'))
out['pass'] = d(P.pass_('pw-alice'))
out['stat'] = list(P.stat())
out['list'] = d(P.list())
out['uidl'] = d(P.uidl())
out['retr1'] = d(P.retr(1))
out['retr2'] = d(P.retr(2))
out['top'] = d(P.top(2, 1))
out['dele'] = d(P.dele(1))
out['stat_after_dele'] = list(P.stat())
out['rset'] = d(P.rset())
out['dele2'] = d(P.dele(2))
try:
    P.retr(2)
except poplib.error_proto as e:
    out['retr_deleted'] = d(e.args[0])
out['quit'] = d(P.quit())
print(json.dumps(out))
`;

async function pop(port: number, mode: 'plain' | 'stls' | 'ssl'): Promise<Record<string, unknown>> {
  const r = await run('python3', ['-c', SCRIPT, String(port), mode], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('poplib: a POP3 session with STLS; QUIT expunges what was deleted', async (t) => {
  const server = await startTestServer(t, { listeners: ['pop3', 'imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  await seed(server, [M1, M2]);
  const o = await pop(server.ports.pop3!, 'stls');
  assert.match(o.welcome as string, /^\+OK/);
  assert.ok('STLS' in (o.capa as object) && 'UIDL' in (o.capa as object) && 'TOP' in (o.capa as object));
  assert.match(o.stls as string, /^\+OK/);
  assert.ok(!('STLS' in (o.capa2 as object)));
  assert.match(o.badpass as string, /^-ERR \[AUTH\]/);
  assert.deepEqual(o.stat, [2, Buffer.byteLength(M1) + Buffer.byteLength(M2)]);
  assert.deepEqual((o.list as unknown[])[1], [`1 ${Buffer.byteLength(M1)}`, `2 ${Buffer.byteLength(M2)}`]);
  const uidl = (o.uidl as unknown[])[1] as string[];
  assert.match(uidl[0]!, /^1 00000001[0-9A-F]{8}$/);
  assert.deepEqual(((o.retr1 as unknown[])[1] as string[]).slice(-3), ['.starts with a dot', '..two dots', 'last'], 'poplib undoes the dot-stuffing');
  assert.deepEqual(((o.retr2 as unknown[])[1] as string[]).slice(3), ['body 1', 'body 2', 'body 3']);
  assert.deepEqual((o.top as unknown[])[1], ['From: carol@example.org', 'Subject: lf only', '', 'body 1']);
  assert.deepEqual(o.stat_after_dele, [1, Buffer.byteLength(M2)]);
  assert.match(o.retr_deleted as string, /^-ERR/);
  assert.match(o.quit as string, /^\+OK/);
  const account = server.service.directory.accounts.get('alice@example.test')!;
  const inbox = server.service.store.index.getMailbox(account.id, 'INBOX')!;
  const rows = server.service.db.prepare('SELECT uid, flags FROM messages WHERE mailbox_id = ? ORDER BY uid').all(inbox.id) as { uid: number; flags: number }[];
  assert.deepEqual(rows, [{ uid: 1, flags: 1 }], 'message 2 expunged at QUIT; message 1 marked \\Seen by RETR');
});

test('poplib: POP3S on 995', async (t) => {
  const server = await startTestServer(t, { listeners: ['pop3s'], accounts: { 'alice@example.test': 'pw-alice' } });
  await seed(server, [M1, M2]);
  const o = await pop(server.ports.pop3s!, 'ssl');
  assert.ok(!('STLS' in (o.capa as object)));
  assert.deepEqual(o.stat, [2, Buffer.byteLength(M1) + Buffer.byteLength(M2)]);
});

test('curl pop3:// and pop3s:// list and fetch', async (t) => {
  const server = await startTestServer(t, { listeners: ['pop3', 'pop3s'], accounts: { 'alice@example.test': 'pw-alice' } });
  await seed(server, [M1, M2]);
  const user = ['--user', 'alice@example.test:pw-alice'];
  const list = await run('curl', ['-sS', ...user, `pop3://127.0.0.1:${server.ports.pop3}/`]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout, `1 ${Buffer.byteLength(M1)}\r\n2 ${Buffer.byteLength(M2)}\r\n`);
  const retr = await run('curl', ['-sS', ...user, `pop3://127.0.0.1:${server.ports.pop3}/1`]);
  assert.equal(retr.stdout, M1);
  const tls = await run('curl', ['-sS', '-k', ...user, `pop3s://127.0.0.1:${server.ports.pop3s}/2`]);
  assert.equal(tls.stdout, M2.replace(/\n/g, '\r\n'), 'bare LF goes out as CRLF');
  const starttls = await run('curl', ['-sS', '-k', '--ssl-reqd', ...user, `pop3://127.0.0.1:${server.ports.pop3}/1`]);
  assert.equal(starttls.code, 0, starttls.stderr);
  assert.equal(starttls.stdout, M1);
  const bad = await run('curl', ['-sS', '--user', 'alice@example.test:nope', `pop3://127.0.0.1:${server.ports.pop3}/`]);
  assert.notEqual(bad.code, 0);
});
