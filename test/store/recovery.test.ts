// Crash recovery at start: UID/MODSEQ counters move past their durable reservation after an
// unclean stop (never after a clean one), leftover spool files are removed, and the index is
// reconciled with the Maildir (orphans indexed, dangling rows dropped, moved/flagged files updated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rename, unlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { MessageStore } from '../../src-mailserver/store/message-store.js';
import { SpoolWriter, incomingDir } from '../../src-mailserver/store/spool.js';
import { Flag } from '../../src-mailserver/store/maildir.js';
import { silentLogger } from '../../src-mailserver/log/logger.js';
import { makeTempDir } from '../support/temp-dir.js';

async function deliverOne(store: MessageStore, dataDir: string, account: import('../../src-mailserver/directory/accounts.js').Account, text: string) {
  const w = await SpoolWriter.create(dataDir);
  await w.write(Buffer.from(text));
  const s = await w.finish();
  const [o] = await store.delivery.deliver(s, [{ account }]);
  await unlink(s.path);
  assert.ok(o!.ok);
  return o!.ok ? o!.uid : 0;
}

test('counters jump past the reservation only after an unclean stop', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  let db = openMailDatabase(dir.path);
  const directory = new Directory(db);
  directory.domains.add('example.test');
  const alice = directory.accounts.add({ address: 'alice@example.test', passwordHash: 'h' });
  let store = new MessageStore(dir.path, db, silentLogger());
  assert.equal((await store.startRun([alice])).wasClean, true);
  assert.equal(await deliverOne(store, dir.path, alice, 'a'), 1);
  store.endRun();
  db.close();

  db = openMailDatabase(dir.path);
  store = new MessageStore(dir.path, db, silentLogger());
  assert.equal((await store.startRun([alice])).wasClean, true);
  assert.equal(await deliverOne(store, dir.path, alice, 'b'), 2, 'a clean restart continues where it stopped');
  const before = store.index.getMailbox(alice.id, 'INBOX')!;
  db.close(); // no endRun: as if killed

  db = openMailDatabase(dir.path);
  store = new MessageStore(dir.path, db, silentLogger());
  assert.equal((await store.startRun([alice])).wasClean, false);
  const after = store.index.getMailbox(alice.id, 'INBOX')!;
  assert.ok(after.uidNext > before.uidNext, 'UIDNEXT moved past anything that may have been announced');
  assert.ok(after.highestModseq > before.highestModseq);
  const uid = await deliverOne(store, dir.path, alice, 'c');
  assert.equal(uid, after.uidNext);
  store.endRun();
  db.close();
});

test('start-up removes spool leftovers and reconciles rows with files', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  let db = openMailDatabase(dir.path);
  const directory = new Directory(db);
  directory.domains.add('example.test');
  const alice = directory.accounts.add({ address: 'alice@example.test', passwordHash: 'h' });
  let store = new MessageStore(dir.path, db, silentLogger());
  await store.startRun([alice]);
  for (const text of ['one', 'two', 'three']) await deliverOne(store, dir.path, alice, `Subject: ${text}\r\n\r\n${text}\r\n`);
  // The files in UID order (names sort by time and microseconds, which is not UID order).
  const files = (db.prepare('SELECT filename FROM messages ORDER BY uid').all() as { filename: string }[]).map((r) => r.filename);
  assert.equal(files.length, 3);
  store.endRun();
  db.close();

  const inbox = join(dir.path, 'mail/example.test/alice');
  await unlink(join(inbox, 'new', files[0]!)); // row 1 dangles
  await rename(join(inbox, 'new', files[1]!), join(inbox, 'cur', `${files[1]}:2,S`)); // read by another program
  await writeFile(join(inbox, 'cur', '1700000000.M1P1.other,S=5:2,F'), 'hello'); // delivered by another program
  await mkdir(incomingDir(dir.path), { recursive: true });
  await writeFile(join(incomingDir(dir.path), 'half-received'), 'partial');

  db = openMailDatabase(dir.path);
  store = new MessageStore(dir.path, db, silentLogger());
  const report = await store.startRun([alice]);
  assert.deepEqual([report.dropped, report.updated, report.indexed, report.spoolRemoved], [1, 1, 1, 1]);
  const rows = db.prepare("SELECT uid, flags, subdir, filename FROM messages WHERE mailbox_id = (SELECT id FROM mailboxes WHERE name = 'INBOX') ORDER BY uid").all() as { uid: number; flags: number; subdir: string; filename: string }[];
  assert.deepEqual(rows.map((r) => [r.uid, r.flags, r.subdir]), [[2, Flag.Seen, 'cur'], [3, 0, 'new'], [4, Flag.Flagged, 'cur']]);
  assert.equal(rows[2]!.filename, '1700000000.M1P1.other,S=5');
  assert.deepEqual(await readdir(incomingDir(dir.path)), []);
  store.endRun();
  db.close();
});
