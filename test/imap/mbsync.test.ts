// mbsync (isync), a real sync client, against our IMAP server: a first sync copies a seeded
// mailbox down; then changes on both sides (new mail, flag changes, deletions, a new folder
// created locally) are synced both ways and both sides agree. Uploaded bytes stay as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Flag } from '../../src-mailserver/store/maildir.js';
import { run } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

function message(subject: string): string {
  return `From: bob@example.com\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.com>\r\n\r\nbody of ${subject}\r\n`;
}

async function localFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['cur', 'new']) {
    for (const name of await readdir(join(dir, sub)).catch(() => [] as string[])) out.push(join(sub, name));
  }
  return out.sort();
}

function rows(server: TestServer, mailbox: string): { uid: number; flags: number; subject: string }[] {
  const account = server.service.directory.accounts.get('alice@example.test')!;
  const box = server.service.store.index.getMailbox(account.id, mailbox);
  if (!box) return [];
  return server.service.db
    .prepare('SELECT m.uid, m.flags, coalesce(mm.h_subject, \'\') AS subject FROM messages m LEFT JOIN message_meta mm ON mm.message_id = m.id WHERE m.mailbox_id = ? ORDER BY m.uid')
    .all(box.id) as { uid: number; flags: number; subject: string }[];
}

test('mbsync syncs both ways: new mail, flags, deletions and new folders', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const store = server.service.store;
  const account = server.service.directory.accounts.get('alice@example.test')!;
  const inbox = store.index.getMailbox(account.id, 'INBOX')!;
  const archive = store.index.getMailbox(account.id, 'Archive')!;
  for (const s of ['one', 'two', 'three']) await store.append(account, inbox, Buffer.from(message(s)));
  await store.append(account, archive, Buffer.from(message('archived')), { flags: Flag.Seen });

  const tmp = await makeTempDir('mbsync-');
  t.after(() => tmp.remove());
  const local = join(tmp.path, 'mail');
  await mkdir(local, { recursive: true });
  const config = join(tmp.path, 'mbsyncrc');
  await writeFile(
    config,
    [
      'IMAPAccount test',
      'Host 127.0.0.1',
      `Port ${server.ports.imap}`,
      'User alice@example.test',
      'Pass pw-alice',
      'SSLType None',
      'AuthMechs LOGIN PLAIN',
      '',
      'IMAPStore remote',
      'Account test',
      '',
      'MaildirStore local',
      `Path ${local}/`,
      `Inbox ${local}/INBOX`,
      'SubFolders Verbatim',
      '',
      'Channel sync',
      'Far :remote:',
      'Near :local:',
      'Patterns *',
      'Create Both',
      'Expunge Both',
      'SyncState *',
      '',
    ].join('\n'),
  );
  const sync = async () => {
    const r = await run('mbsync', ['-c', config, '-a'], { timeoutMs: 60_000, env: { ...process.env, HOME: tmp.path } });
    assert.equal(r.code, 0, `mbsync failed: ${r.stderr}\n${r.stdout}`);
  };

  await sync();
  const inboxFiles = await localFiles(join(local, 'INBOX'));
  assert.equal(inboxFiles.length, 3);
  const archiveFiles = await localFiles(join(local, 'Archive'));
  assert.equal(archiveFiles.length, 1);
  assert.match(archiveFiles[0]!, /^cur\/.*,S$/, 'the \\Seen flag came down');

  // Local changes: mark "one" flagged + seen, delete "two", new folder with a new message.
  const contents = await Promise.all(inboxFiles.map((f) => readFile(join(local, 'INBOX', f), 'utf8')));
  const one = inboxFiles[contents.findIndex((c) => c.includes('Subject: one'))]!;
  const two = inboxFiles[contents.findIndex((c) => c.includes('Subject: two'))]!;
  const oneBase = one.replace(/^(cur|new)\//, '').replace(/:2,.*$/, '');
  await rename(join(local, 'INBOX', one), join(local, 'INBOX', 'cur', `${oneBase}:2,FS`));
  await unlink(join(local, 'INBOX', two));
  const newFolder = join(local, 'Projects');
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(newFolder, sub), { recursive: true });
  const uploaded = message('made-locally');
  await writeFile(join(newFolder, 'new', '1700000000.local1.host'), uploaded);

  // Server changes: new mail, flag on "three".
  await store.append(account, inbox, Buffer.from(message('four')));
  const three = rows(server, 'INBOX').find((r) => r.subject === 'three')!;
  await store.updateFlags(account, inbox, [three.uid], { op: 'add', flags: Flag.Answered, keywords: [] });

  await sync();

  const serverInbox = rows(server, 'INBOX');
  assert.deepEqual(serverInbox.map((r) => r.subject).sort(), ['four', 'one', 'three'], 'deletion went up');
  assert.equal(serverInbox.find((r) => r.subject === 'one')!.flags & (Flag.Seen | Flag.Flagged), Flag.Seen | Flag.Flagged);
  const projects = rows(server, 'Projects');
  assert.equal(projects.length, 1, 'the new folder and its message went up');
  const projectBox = store.index.getMailbox(account.id, 'Projects')!;
  const stored = await readFile(
    join(store.folderPath(account, projectBox), ...(await (async () => {
      for (const sub of ['cur', 'new']) {
        const names = await readdir(join(store.folderPath(account, projectBox), sub));
        if (names.length) return [sub, names[0]!];
      }
      return ['new', 'missing'];
    })())),
    'utf8',
  );
  assert.equal(stored.replace(/X-TUID: \S+\r\n/, ''), uploaded, 'stored exactly as mbsync sent it (with its X-TUID field)');
  assert.match(stored, /\r\nX-TUID: \S+\r\n\r\n/);

  const localInbox = await localFiles(join(local, 'INBOX'));
  const localContents = await Promise.all(localInbox.map((f) => readFile(join(local, 'INBOX', f), 'utf8')));
  assert.equal(localInbox.length, 3);
  assert.ok(localContents.some((c) => c.includes('Subject: four')), 'new server mail came down');
  const threeLocal = localInbox[localContents.findIndex((c) => c.includes('Subject: three'))]!;
  assert.match(threeLocal, /:2,[A-Z]*R/, 'server flag change came down');

  // A third run changes nothing.
  await sync();
  assert.deepEqual((await localFiles(join(local, 'INBOX'))).length, 3);
  assert.equal(rows(server, 'INBOX').length, 3);
});
