// Local delivery into Maildir++: one spool file hard-linked into several mailboxes, index rows
// with increasing UIDs, change events, flags into cur/, quota, and storage failures reported per
// target without losing the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { MessageStore } from '../../src-mailserver/store/message-store.js';
import { SpoolWriter } from '../../src-mailserver/store/spool.js';
import { Flag } from '../../src-mailserver/store/maildir.js';
import type { MailboxChange } from '../../src-mailserver/store/changes.js';
import { silentLogger } from '../../src-mailserver/log/logger.js';
import { makeTempDir } from '../support/temp-dir.js';

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
  const bob = directory.accounts.add({ address: 'bob@example.test', passwordHash: 'h' });
  const store = new MessageStore(dir.path, db, silentLogger());
  await store.startRun([alice, bob]);
  const spool = async (text: string) => {
    const w = await SpoolWriter.create(dir.path);
    await w.writeHeader('Return-Path: <s@remote.test>\r\n');
    await w.write(Buffer.from(text));
    return w.finish();
  };
  return { dir: dir.path, db, directory, store, alice, bob, spool };
}

test('one spool file becomes one hard-linked file per mailbox, indexed with increasing UIDs and announced', async (t) => {
  const { dir, store, alice, bob, spool } = await setup(t);
  const events: MailboxChange[] = [];
  store.changes.subscribeAll((c) => events.push(c));
  const s1 = await spool('Subject: one\r\n\r\nbody\r\n');
  const out = await store.delivery.deliver(s1, [{ account: alice }, { account: bob }]);
  assert.deepEqual(out.map((o) => o.ok && o.uid), [1, 1]);
  const names = await readdir(join(dir, 'mail/example.test/alice/new'));
  assert.equal(names.length, 1);
  assert.match(names[0]!, /^\d+\.M\d+P\d+Q\d+\.[^,:/]+,S=\d+,W=\d+$/);
  assert.equal((await stat(join(dir, 'mail/example.test/alice/new', names[0]!))).nlink, 3); // alice, bob, spool
  assert.equal(Number(/,S=(\d+)/.exec(names[0]!)![1]), s1.size);
  const s2 = await spool('Subject: two\r\n\r\nbody\r\n');
  const second = await store.delivery.deliver(s2, [{ account: alice }]);
  assert.equal(second[0]!.ok && second[0]!.uid, 2);
  assert.deepEqual(
    events.map((e) => e.type === 'append' && [e.accountId, e.uid]),
    [[alice.id, 1], [bob.id, 1], [alice.id, 2]],
  );
  const inbox = store.index.getMailbox(alice.id, 'INBOX')!;
  assert.equal(inbox.uidNext, 3);
  assert.ok(inbox.highestModseq >= 3);
});

test('a delivery with flags goes to cur/ with Maildir info letters; other folders are created on demand', async (t) => {
  const { dir, store, alice, spool } = await setup(t);
  const s = await spool('Subject: sent\r\n\r\nx\r\n');
  const [o] = await store.delivery.deliver(s, [{ account: alice, mailbox: 'Sent', flags: Flag.Seen | Flag.Flagged }]);
  assert.ok(o!.ok);
  const cur = await readdir(join(dir, 'mail/example.test/alice/.Sent/cur'));
  assert.equal(cur.length, 1);
  assert.match(cur[0]!, /:2,FS$/);
  const s2 = await spool('Subject: x\r\n\r\nx\r\n');
  assert.ok((await store.delivery.deliver(s2, [{ account: alice, mailbox: 'Projects' }]))[0]!.ok);
  assert.equal((await readdir(join(dir, 'mail/example.test/alice/.Projects/new'))).length, 1);
});

test('quota and a broken folder fail only their own target', async (t) => {
  const { dir, directory, store, alice, bob, spool } = await setup(t);
  directory.accounts.setQuota('bob@example.test', 10, null);
  const bobQuota = directory.accounts.get('bob@example.test')!;
  const s = await spool('Subject: q\r\n\r\nlonger than ten bytes\r\n');
  const out = await store.delivery.deliver(s, [{ account: alice }, { account: bobQuota }]);
  assert.equal(out[0]!.ok, true);
  assert.deepEqual(out[1]!.ok === false && out[1]!.reason, 'quota');
  // A regular file where alice's new/ should be: the link fails (ENOTDIR), bob still gets his copy.
  directory.accounts.setQuota('bob@example.test', null, null);
  await rm(join(dir, 'mail/example.test/alice/new'), { recursive: true });
  await writeFile(join(dir, 'mail/example.test/alice/new'), 'not a directory');
  const s2 = await spool('Subject: e\r\n\r\nx\r\n');
  const out2 = await store.delivery.deliver(s2, [{ account: alice }, { account: bob }]);
  assert.equal(out2[0]!.ok === false && out2[0]!.reason, 'error');
  assert.equal(out2[1]!.ok, true);
  assert.equal(store.index.accountUsage(alice.id).messages, 1);
});
