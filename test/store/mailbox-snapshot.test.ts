// Mailbox snapshots (UIDs, flags, keywords, MODSEQs in typed arrays): built from the index,
// brought up to date after appends, flag changes and expunges made through the store (and
// straight in the database, as another process would), equal to the index rows every time, and
// never changing a UID array a session was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { MessageStore } from '../../src-mailserver/store/message-store.js';
import { Flag } from '../../src-mailserver/store/maildir.js';
import { silentLogger } from '../../src-mailserver/log/logger.js';
import type { MailboxSnapshot } from '../../src-mailserver/store/mailbox-snapshot.js';
import { makeTempDir } from '../support/temp-dir.js';
import { prng } from '../support/random.js';

async function setup(t: import('node:test').TestContext) {
  const dir = await makeTempDir();
  const db = openMailDatabase(dir.path);
  t.after(async () => {
    db.close();
    await dir.remove();
  });
  const directory = new Directory(db);
  directory.domains.add('example.test');
  const alice = directory.accounts.add({ address: 'alice@example.test', passwordHash: 'h' });
  const store = new MessageStore(dir.path, db, silentLogger());
  await store.startRun([alice]);
  const inbox = store.index.getMailbox(alice.id, 'INBOX')!;
  const append = (n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => store.append(alice, inbox, Buffer.from(`Subject: ${i}\r\n\r\nbody ${i}\r\n`))));
  return { db, store, alice, inbox, append };
}

function rowsOf(db: import('../../src-mailserver/directory/database.js').Db, mailboxId: number) {
  return db.prepare('SELECT uid, flags, keywords, modseq FROM messages WHERE mailbox_id = ? ORDER BY uid').all(mailboxId) as {
    uid: number;
    flags: number;
    keywords: string;
    modseq: number;
  }[];
}

function contentOf(s: MailboxSnapshot) {
  return Array.from({ length: s.length }, (_, i) => ({ uid: s.uids[i]!, flags: s.flags[i]!, keywords: s.keywordsOf(s.uids[i]!), modseq: s.modseqs[i]! }));
}

test('a snapshot equals the index after appends, flag and keyword changes and expunges', async (t) => {
  const { db, store, alice, inbox, append } = await setup(t);
  await append(30);
  const first = store.snapshots.get(inbox.id)!;
  assert.deepEqual(contentOf(first), rowsOf(db, inbox.id));
  const held = first.uidList();
  const heldCopy = Array.from(held);

  const rand = prng(7);
  for (let round = 0; round < 8; round++) {
    const uids = rowsOf(db, inbox.id).map((r) => r.uid);
    const pick = uids.filter(() => rand() < 0.3);
    if (round % 3 === 0) await store.updateFlags(alice, inbox, pick, { op: 'add', flags: Flag.Seen | Flag.Flagged, keywords: ['$Work'] });
    if (round % 3 === 1) await store.updateFlags(alice, inbox, pick, { op: 'remove', flags: Flag.Flagged, keywords: ['$Work'] });
    if (round % 3 === 2) {
      await store.updateFlags(alice, inbox, pick, { op: 'add', flags: Flag.Deleted, keywords: [] });
      await store.expunge(alice, inbox, { onlyDeleted: true });
    }
    await append(Math.floor(rand() * 5));
    const snap = store.snapshots.get(inbox.id)!;
    assert.equal(snap, first, 'brought up to date, not rebuilt');
    assert.deepEqual(contentOf(snap), rowsOf(db, inbox.id), `round ${round}`);
    assert.equal(snap.modseq, store.index.mailboxById(inbox.id)!.highestModseq);
  }
  assert.deepEqual(Array.from(held), heldCopy, 'a UID array handed to a session never changes');
});

test('changes written by another process are picked up; a recreated mailbox id gets a fresh snapshot', async (t) => {
  const { db, store, alice, inbox, append } = await setup(t);
  await append(5);
  const before = store.snapshots.get(inbox.id)!;
  assert.equal(before.length, 5);
  // Another process (or a test) changing the database directly, through the MODSEQ rules.
  db.transaction(() => {
    const next = store.index.takeModseqs(inbox.id, 1);
    db.prepare('UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = 3').run(Flag.Answered, next, inbox.id);
  })();
  const after = store.snapshots.get(inbox.id)!;
  assert.equal(after.flags[after.indexOf(3)], Flag.Answered);

  const work = await store.createMailbox(alice, 'Work');
  const w = store.snapshots.get(work.id)!;
  assert.equal(w.length, 0);
  await store.deleteMailbox(alice, 'Work');
  assert.equal(store.snapshots.get(work.id), null);
  const again = await store.createMailbox(alice, 'Work2');
  const fresh = store.snapshots.get(again.id)!;
  assert.equal(fresh.length, 0);
  assert.equal(fresh.uidValidity, again.uidValidity);
});
