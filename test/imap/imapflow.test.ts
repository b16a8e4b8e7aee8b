// IMAP against imapflow (a real client library): STARTTLS, AUTHENTICATE PLAIN, ID, ENABLE
// (CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4rev2), NAMESPACE, LIST with SPECIAL-USE and STATUS,
// APPEND with APPENDUID, FETCH of envelope / bodystructure / source / sections, SEARCH,
// STORE, COPY, MOVE, EXPUNGE, STATUS SIZE, QUOTA, CREATE / RENAME / DELETE / SUBSCRIBE and IDLE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { startTestServer, type TestServer } from '../support/test-server.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function client(server: TestServer, user = 'alice@example.test', extra: Partial<ImapFlowOptions> = {}): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: server.ports.imap!,
    secure: false,
    auth: { user, pass: user === 'alice@example.test' ? 'pw-alice' : 'pw-bob' },
    logger: quiet as never,
    tls: { rejectUnauthorized: false },
    ...extra,
  });
}

const MESSAGE = [
  'From: "Bob Example" <bob@example.com>',
  'To: alice@example.test, "Carol" <carol@example.org>',
  'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= from Bob',
  'Date: Tue, 3 Mar 2026 10:00:00 +0100',
  'Message-ID: <m1@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hallo Alice, sch=C3=B6ne Gr=C3=BC=C3=9Fe.',
  '--b1',
  'Content-Type: application/pdf; name="report.pdf"',
  'Content-Disposition: attachment; filename="report.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQKJcfsj6IK',
  '--b1--',
  '',
].join('\r\n');

test('imapflow: a full session over STARTTLS', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const c = client(server, 'alice@example.test', { qresync: true });
  await c.connect();
  t.after(() => c.close());
  assert.ok(c.secureConnection, 'upgraded with STARTTLS');
  assert.ok(c.enabled.has('CONDSTORE') && c.enabled.has('QRESYNC') && c.enabled.has('UTF8=ACCEPT'));

  const list = await c.list({ statusQuery: { messages: true, unseen: true, uidNext: true } });
  const specials = Object.fromEntries(list.map((m) => [m.path, m.specialUse]));
  assert.deepEqual(specials, { INBOX: '\\Inbox', Sent: '\\Sent', Drafts: '\\Drafts', Junk: '\\Junk', Trash: '\\Trash', Archive: '\\Archive' });
  assert.equal(list.find((m) => m.path === 'INBOX')!.status!.messages, 0);

  const appended = await c.append('INBOX', MESSAGE, ['\\Flagged', '$Work'], new Date('2026-03-03T09:00:00Z'));
  assert.ok(appended && appended.uid === 1);
  await c.append('INBOX', 'From: carol@example.org\r\nSubject: second\r\n\r\nplain body text\r\n');

  const lock = await c.getMailboxLock('INBOX');
  try {
    assert.equal(c.mailbox && c.mailbox.exists, 2);
    const m = await c.fetchOne('1', { envelope: true, bodyStructure: true, flags: true, internalDate: true, size: true, source: true, headers: ['subject'] }, { uid: true });
    assert.ok(m);
    assert.equal(m.envelope!.subject, 'Grüße from Bob');
    assert.equal(m.envelope!.from![0]!.address, 'bob@example.com');
    assert.deepEqual(m.envelope!.to!.map((a) => a.address), ['alice@example.test', 'carol@example.org']);
    assert.equal(m.envelope!.messageId, '<m1@example.com>');
    assert.deepEqual([...m.flags!].sort(), ['$Work', '\\Flagged']);
    assert.equal(new Date(m.internalDate!).toISOString(), '2026-03-03T09:00:00.000Z');
    assert.equal(m.size, Buffer.byteLength(MESSAGE));
    assert.equal(m.source!.toString(), MESSAGE, 'stored bytes are exactly what was appended');
    assert.equal(m.bodyStructure!.type, 'multipart/mixed');
    const [text, pdf] = m.bodyStructure!.childNodes!;
    assert.equal(text!.type, 'text/plain');
    assert.equal(text!.encoding, 'quoted-printable');
    assert.equal(pdf!.disposition, 'attachment');
    assert.equal(pdf!.dispositionParameters!.filename, 'report.pdf');
    assert.match(m.headers!.toString(), /^Subject: =\?utf-8\?q\?Gr=C3=BC=C3=9Fe\?= from Bob\r\n/);

    const part = await c.download('1', '2', { uid: true });
    const chunks: Buffer[] = [];
    for await (const chunk of part.content!) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString('latin1').slice(0, 8), '%PDF-1.4', 'BINARY / decoded part');

    assert.deepEqual(await c.search({ subject: 'grüße' }, { uid: true }), [1]);
    assert.deepEqual(await c.search({ body: 'schöne' }, { uid: true }), [1]);
    assert.deepEqual(await c.search({ from: 'carol' }, { uid: true }), [2]);
    assert.deepEqual(await c.search({ keyword: '$Work' }, { uid: true }), [1]);
    assert.deepEqual(await c.search({ seen: false }, { uid: true }), [1, 2]);
    assert.deepEqual(await c.search({ header: { 'message-id': '<m1@example.com>' } }, { uid: true }), [1]);
    assert.deepEqual(await c.search({ larger: 400 }, { uid: true }), [1]);
    assert.deepEqual(await c.search({ sentSince: new Date('2026-03-01') }, { uid: true }), [1]);

    const before = c.mailbox ? c.mailbox.highestModseq : 0n;
    assert.ok(await c.messageFlagsAdd('2', ['\\Seen'], { uid: true }));
    const seen = await c.fetchOne('2', { flags: true }, { uid: true });
    assert.ok(seen && seen.flags!.has('\\Seen'));
    assert.ok(seen && seen.modseq! > (before as bigint));
    const changed: number[] = [];
    for await (const msg of c.fetch('1:*', { flags: true }, { uid: true, changedSince: before as bigint })) changed.push(msg.uid);
    assert.deepEqual(changed, [2], 'CHANGEDSINCE lists only the changed message');

    const copied = await c.messageCopy('1', 'Archive', { uid: true });
    assert.equal(copied && copied.uidMap!.get(1), 1);
    const moved = await c.messageMove('2', 'Junk', { uid: true });
    assert.equal(moved && moved.uidMap!.get(2), 1);
    assert.equal(c.mailbox && c.mailbox.exists, 1);
    assert.ok(await c.messageDelete('1', { uid: true }));
    assert.equal(c.mailbox && c.mailbox.exists, 0);
  } finally {
    lock.release();
  }

  const archive = await c.status('Archive', { messages: true, size: true, highestModseq: true, uidNext: true });
  assert.ok(archive);
  assert.equal(archive.messages, 1);
  assert.equal(archive.size, Buffer.byteLength(MESSAGE));
  assert.equal(archive.uidNext, 2);

  await c.mailboxCreate(['Projects', 'Grün']);
  await c.mailboxSubscribe('Projects/Grün');
  await c.mailboxRename('Projects/Grün', 'Projects/Blau');
  const names = (await c.list()).map((m) => m.path);
  assert.ok(names.includes('Projects/Blau') && !names.includes('Projects/Grün'));
  await c.mailboxDelete('Projects/Blau');
  assert.ok(!(await c.list()).some((m) => m.path === 'Projects/Blau'));
  await assert.rejects(c.mailboxCreate('bad.name'));
  await c.logout();
});

test('imapflow: IDLE hears another session append within a second', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const watcher = client(server);
  const writer = client(server);
  await watcher.connect();
  await writer.connect();
  t.after(() => {
    watcher.close();
    writer.close();
  });
  await watcher.mailboxOpen('INBOX');
  const heard = new Promise<{ count: number; at: number }>((resolve) => watcher.on('exists', (e: { count: number }) => resolve({ count: e.count, at: Date.now() })));
  const idling = watcher.idle();
  await new Promise((r) => setTimeout(r, 300));
  const sent = Date.now();
  await writer.append('INBOX', 'From: x@example.com\r\nSubject: ping\r\n\r\nhello\r\n');
  const event = await heard;
  assert.equal(event.count, 1);
  assert.ok(event.at - sent < 1000, `woken after ${event.at - sent} ms`);
  await watcher.noop();
  await idling.catch(() => undefined);
});

test('imapflow: QRESYNC resynchronises a mailbox with VANISHED', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const a = client(server, 'alice@example.test', { qresync: true });
  await a.connect();
  t.after(() => a.close());
  for (let i = 0; i < 5; i++) await a.append('INBOX', `From: x@example.com\r\nSubject: m${i}\r\n\r\nbody ${i}\r\n`);
  const opened = await a.mailboxOpen('INBOX');
  const modseq = opened.highestModseq;
  const vanished: string[] = [];
  a.on('expunge', (e: { uid?: number; vanished?: boolean }) => vanished.push(`${e.uid}:${e.vanished}`));
  await a.messageDelete('2:3', { uid: true });
  await a.messageFlagsAdd('5', ['\\Answered'], { uid: true });
  assert.ok(vanished.includes('2:true') && vanished.includes('3:true'), `VANISHED seen: ${vanished}`);
  const seen: number[] = [];
  for await (const m of a.fetch('1:*', { flags: true }, { uid: true, changedSince: modseq })) seen.push(m.uid);
  assert.deepEqual(seen, [5]);
  await a.logout();
});
