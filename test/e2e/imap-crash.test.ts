// Crash safety of IMAP's acknowledgements: kill -9 the real server while clients APPEND, and
// every APPEND that got its tagged OK is there after the restart under the UID APPENDUID gave,
// byte for byte; new APPENDs never reuse a UID. Same for EXPUNGE: after its tagged OK the
// messages stay gone, and a kill in the middle of a large EXPUNGE leaves rows and files agreeing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LineClient } from '../support/line-client.js';
import { mailserver, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

async function setup(t: import('node:test').TestContext): Promise<string> {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  assert.equal((await mailserver(['domain', 'add', 'example.test', '--data', dir.path])).code, 0);
  assert.equal((await mailserver(['account', 'add', 'alice@example.test', '--password-stdin', '--data', dir.path], { input: 'pw' })).code, 0);
  return dir.path;
}

async function login(port: number): Promise<LineClient> {
  const c = await LineClient.connect(port);
  await c.readLine();
  assert.match((await c.command('LOGIN alice@example.test pw')).tagged, /^OK/);
  return c;
}

const body = (n: number, i: number) => `From: c${n}@example.com\r\nSubject: c${n}-m${i}\r\nMessage-ID: <c${n}-m${i}@crash.test>\r\n\r\n${`client ${n} message ${i}\r\n`.repeat(30)}`;

/** Rows of a mailbox and the base names of its files, read straight from disk. */
async function state(dataDir: string, mailbox: string, dir: string): Promise<{ rows: { uid: number; filename: string }[]; files: Map<string, string> }> {
  const db = new Database(join(dataDir, 'mailserver.db'), { readonly: true });
  const rows = db.prepare('SELECT m.uid, m.filename FROM messages m JOIN mailboxes x ON x.id = m.mailbox_id WHERE x.name = ? ORDER BY m.uid').all(mailbox) as { uid: number; filename: string }[];
  db.close();
  const files = new Map<string, string>();
  for (const sub of ['cur', 'new']) {
    const path = join(dataDir, 'mail/example.test/alice', dir, sub);
    for (const name of await readdir(path)) files.set(name.replace(/:2,.*$/, ''), join(path, name));
  }
  return { rows, files };
}

test('kill -9 during APPENDs from 8 clients: every acknowledged APPEND survives with its UID', async (t) => {
  const dataDir = await setup(t);
  const server = await spawnServer(t, serveArgs(dataDir, ['imap']));
  const port = server.ports.imap!;
  const acked = new Map<number, string>();
  let stop = false;
  const client = async (n: number) => {
    let c: LineClient | undefined;
    try {
      // Inside the try: a client still logging in when the server is killed just stops.
      c = await login(port);
      for (let i = 0; !stop && i < 1000; i++) {
        const msg = body(n, i);
        const r = await c.command(`APPEND INBOX {${Buffer.byteLength(msg)}+}\r\n${msg}`, 5000);
        const m = /^OK \[APPENDUID \d+ (\d+)\]/.exec(r.tagged);
        if (m) acked.set(Number(m[1]), msg);
      }
    } catch {
      /* the server died under us */
    } finally {
      c?.close();
    }
  };
  const clients = Array.from({ length: 8 }, (_, n) => client(n));
  for (let i = 0; i < 400 && acked.size < 80; i++) await new Promise((r) => setTimeout(r, 25));
  server.child.kill('SIGKILL');
  await server.exited;
  stop = true;
  await Promise.all(clients);
  assert.ok(acked.size >= 20, `only ${acked.size} APPENDs acknowledged before the kill`);
  t.diagnostic(`${acked.size} APPENDs acknowledged before kill -9`);

  const restarted = await spawnServer(t, serveArgs(dataDir, ['imap']));
  const c = await login(restarted.ports.imap!);
  t.after(() => c.close());
  await c.command('SELECT INBOX');
  for (const [uid, msg] of acked) {
    const r = await c.command(`UID FETCH ${uid} (BODY.PEEK[])`);
    const data = r.lines.join('\r\n');
    assert.ok(data.includes(`UID ${uid} BODY[] {${Buffer.byteLength(msg)}}\r\n${msg}`), `UID ${uid} is not what was acknowledged`);
  }
  const { rows, files } = await state(dataDir, 'INBOX', '');
  assert.equal(rows.length, files.size, 'every file indexed, every row has its file');
  for (const r of rows) assert.ok(files.has(r.filename));
  const maxUid = Math.max(...rows.map((r) => r.uid), ...acked.keys());
  const fresh = await c.command('APPEND INBOX {20+}\r\nSubject: after\r\n\r\nx\r\n');
  const uid = Number(/APPENDUID \d+ (\d+)/.exec(fresh.tagged)![1]);
  assert.ok(uid > maxUid, `new UID ${uid} must be above ${maxUid}`);
});

test('kill -9 after and during EXPUNGE: acknowledged expunges stay done, rows and files agree', async (t) => {
  const dataDir = await setup(t);
  const seed = await mailserver(['seed', 'alice@example.test', '--count', '600', '--mailbox', 'Archive', '--seen-percent', '0', '--data', dataDir]);
  assert.equal(seed.code, 0, seed.stderr);
  let server = await spawnServer(t, serveArgs(dataDir, ['imap']));
  let c = await login(server.ports.imap!);
  await c.command('SELECT Archive');
  await c.command('UID STORE 1:100 +FLAGS.SILENT (\\Deleted)');
  const r = await c.command('EXPUNGE');
  assert.match(r.tagged, /^OK/);
  assert.equal(r.lines.filter((l) => / EXPUNGE$/.test(l)).length, 100);
  server.child.kill('SIGKILL');
  await server.exited;
  c.close();

  server = await spawnServer(t, serveArgs(dataDir, ['imap']));
  c = await login(server.ports.imap!);
  let sel = await c.command('SELECT Archive');
  assert.ok(sel.lines.includes('* 500 EXISTS'), sel.lines.join('|'));
  let s = await state(dataDir, 'Archive', '.Archive');
  assert.equal(s.rows.length, 500);
  assert.equal(s.files.size, 500);
  assert.ok(s.rows.every((row) => row.uid > 100));

  // Now kill while a 400-message EXPUNGE is in progress.
  await c.command('UID STORE 101:500 +FLAGS.SILENT (\\Deleted)');
  c.write('x1 EXPUNGE\r\n');
  await new Promise((r) => setTimeout(r, 15)); // under way: unlinking files
  server.child.kill('SIGKILL');
  await server.exited;
  c.close();
  server = await spawnServer(t, serveArgs(dataDir, ['imap']));
  s = await state(dataDir, 'Archive', '.Archive');
  assert.equal(s.rows.length, s.files.size, 'rows and files agree after the restart');
  for (const row of s.rows) assert.ok(s.files.has(row.filename));
  assert.ok(s.rows.every((row) => row.uid > 100), 'nothing acknowledged came back');
  c = await login(server.ports.imap!);
  t.after(() => c.close());
  sel = await c.command('SELECT Archive');
  assert.ok(sel.lines.includes(`* ${s.rows.length} EXISTS`));
  const survivors = await c.command('UID FETCH 1:* (UID)');
  for (const line of survivors.lines) assert.match(line, /UID (\d+)/);
  const sample = s.rows[0];
  if (sample) {
    const f = await c.command(`UID FETCH ${sample.uid} (BODY.PEEK[])`);
    const expected = await readFile(s.files.get(sample.filename)!, 'latin1');
    assert.ok(f.lines.join('\r\n').includes(expected), 'a surviving message is intact');
  }
});
