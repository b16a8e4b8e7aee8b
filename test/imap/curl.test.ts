// curl as an IMAP client (imap:// and imaps://): list mailboxes, fetch a message by UID, search,
// upload (APPEND) and STARTTLS with --ssl-reqd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer } from '../support/test-server.js';

test('curl imap:// and imaps://', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap', 'imaps'], accounts: { 'alice@example.test': 'pw-alice' } });
  const user = ['--user', 'alice@example.test:pw-alice'];
  const base = `imap://127.0.0.1:${server.ports.imap}`;
  const message = 'From: curl@example.com\r\nSubject: via curl\r\n\r\nuploaded by curl\r\n';
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const file = join(dir.path, 'message.eml');
  await writeFile(file, message);
  const upload = await run('curl', ['-sS', ...user, '-T', file, `${base}/INBOX`]);
  assert.equal(upload.code, 0, upload.stderr);
  const list = await run('curl', ['-sS', ...user, `${base}/`]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /\* LIST \(\\HasNoChildren \\Sent\) "\/" Sent\r\n/);
  const fetched = await run('curl', ['-sS', ...user, `${base}/INBOX;UID=1`]);
  assert.equal(fetched.stdout, message);
  const search = await run('curl', ['-sS', ...user, '-X', 'UID SEARCH SUBJECT curl', `${base}/INBOX`]);
  assert.equal(search.stdout, '* SEARCH 1\r\n');
  const tls = await run('curl', ['-sS', '-k', ...user, `imaps://127.0.0.1:${server.ports.imaps}/INBOX;UID=1;SECTION=TEXT`]);
  assert.equal(tls.stdout, 'uploaded by curl\r\n');
  const starttls = await run('curl', ['-sS', '-k', '--ssl-reqd', ...user, `${base}/INBOX;UID=1;SECTION=HEADER.FIELDS%20(SUBJECT)`]);
  assert.equal(starttls.code, 0, starttls.stderr);
  assert.equal(starttls.stdout, 'Subject: via curl\r\n\r\n');
  const wrong = await run('curl', ['-sS', '--user', 'alice@example.test:bad', `${base}/`]);
  assert.notEqual(wrong.code, 0);
});
