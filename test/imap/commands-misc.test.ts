// The commands the client-library tests touch lightly: COMPRESS=DEFLATE (Thunderbird, K-9,
// mbsync and imapflow use it), QUOTA with limits and OVERQUOTA, CHECK, UNSELECT, RENAME of
// INBOX, DELETE of a parent, LIST (SUBSCRIBED) and RECURSIVEMATCH, LIST-STATUS, NAMESPACE,
// lower-case commands and the empty line iOS sends before a command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createDeflateRaw, createInflateRaw, constants } from 'node:zlib';
import { LineClient } from '../support/line-client.js';
import { startTestServer } from '../support/test-server.js';

async function login(port: number): Promise<LineClient> {
  const c = await LineClient.connect(port);
  await c.readLine();
  assert.match((await c.command('login alice@example.test pw-alice')).tagged, /^OK/);
  return c;
}

test('COMPRESS=DEFLATE: both directions deflated after the OK', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const socket = connect(server.ports.imap!, '127.0.0.1');
  t.after(() => socket.destroy());
  let plain = '';
  const inflate = createInflateRaw();
  let compressed = false;
  let inflated = '';
  inflate.on('data', (d: Buffer) => (inflated += d.toString()));
  socket.on('data', (d: Buffer) => {
    if (compressed) inflate.write(d);
    else plain += d.toString();
  });
  const waitFor = async (get: () => string, re: RegExp) => {
    for (let i = 0; i < 200 && !re.test(get()); i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(get(), re);
  };
  await waitFor(() => plain, /^\* OK/);
  socket.write('a1 LOGIN alice@example.test pw-alice\r\na2 COMPRESS DEFLATE\r\n');
  await waitFor(() => plain, /a2 OK DEFLATE active\.\r\n$/);
  compressed = true;
  const deflate = createDeflateRaw();
  deflate.on('data', (d: Buffer) => socket.write(d));
  const send = (text: string) => {
    deflate.write(text);
    deflate.flush(constants.Z_SYNC_FLUSH);
  };
  send('a3 SELECT INBOX\r\n');
  await waitFor(() => inflated, /a3 OK \[READ-WRITE\]/);
  const zipped = 'Subject: z\r\n\r\nzipped\r\n';
  send(`a4 APPEND INBOX {${zipped.length}+}\r\n${zipped}\r\n`);
  await waitFor(() => inflated, /a4 OK \[APPENDUID/);
  send('a5 FETCH 1 (BODY.PEEK[TEXT])\r\n');
  await waitFor(() => inflated, /a5 OK/);
  assert.match(inflated, /BODY\[TEXT\] \{8\}\r\nzipped\r\n/);
  send('a6 CAPABILITY\r\n');
  await waitFor(() => inflated, /a6 OK/);
  assert.doesNotMatch(inflated.split('a6')[0]!.split('* CAPABILITY').pop()!, /COMPRESS=DEFLATE/, 'not offered again');
});

test('QUOTA with limits: GETQUOTAROOT, GETQUOTA, APPEND over quota, SETQUOTA refused', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  server.service.directory.accounts.setQuota('alice@example.test', 10 * 1024, 3);
  const c = await login(server.ports.imap!);
  t.after(() => c.close());
  const msg = 'Subject: q\r\n\r\n' + 'x'.repeat(3000) + '\r\n';
  for (let i = 0; i < 3; i++) assert.match((await c.command(`APPEND INBOX {${msg.length}+}\r\n${msg}`)).tagged, /^OK/);
  assert.match((await c.command(`APPEND INBOX {${msg.length}+}\r\n${msg}`)).tagged, /^NO \[OVERQUOTA\]/);
  const root = await c.command('GETQUOTAROOT INBOX');
  assert.deepEqual(root.lines, ['* QUOTAROOT INBOX ""', `* QUOTA "" (STORAGE ${Math.ceil((3 * msg.length) / 1024)} 10 MESSAGE 3 3)`]);
  assert.deepEqual((await c.command('GETQUOTA ""')).lines, [`* QUOTA "" (STORAGE ${Math.ceil((3 * msg.length) / 1024)} 10 MESSAGE 3 3)`]);
  assert.match((await c.command('SETQUOTA "" (STORAGE 100)')).tagged, /^NO \[NOPERM\]/);
  await c.command('SELECT INBOX');
  assert.match((await c.command('COPY 1 Archive')).tagged, /^NO \[OVERQUOTA\]/);
  assert.match((await c.command('MOVE 1 Archive')).tagged, /^OK/, 'a move does not grow the mailbox');
});

test('CHECK, UNSELECT, RENAME INBOX, DELETE, LIST selection options, LIST-STATUS, iOS empty line', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const c = await login(server.ports.imap!);
  t.after(() => c.close());
  for (let i = 0; i < 2; i++) await c.command(`APPEND INBOX {18+}\r\nSubject: ${i}\r\n\r\nhi\r\n`);
  await c.command('select INBOX');
  assert.match((await c.command('check')).tagged, /^OK/);
  assert.match((await c.command('unselect')).tagged, /^OK/);
  assert.match((await c.command('FETCH 1 FLAGS')).tagged, /^BAD/);
  assert.match((await c.command('RENAME INBOX "Old Inbox"')).tagged, /^OK/);
  let st = await c.command('STATUS "Old Inbox" (MESSAGES)');
  assert.deepEqual(st.lines, ['* STATUS "Old Inbox" (MESSAGES 2)']);
  st = await c.command('STATUS INBOX (MESSAGES UIDNEXT)');
  assert.deepEqual(st.lines, ['* STATUS INBOX (MESSAGES 0 UIDNEXT 3)'], 'INBOX stays, empty, UIDs not reused');
  await c.command('CREATE Parent/Child');
  assert.match((await c.command('DELETE Parent')).tagged, /^NO \[INUSE\]/);
  assert.match((await c.command('DELETE INBOX')).tagged, /^NO/);
  await c.command('SUBSCRIBE Parent/Child');
  await c.command('UNSUBSCRIBE Trash');
  let list = await c.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"');
  assert.ok(list.lines.includes('* LIST () "/" Parent ("CHILDINFO" ("SUBSCRIBED"))'), list.lines.join('|'));
  assert.ok(!list.lines.some((l) => / Trash$/.test(l)));
  list = await c.command('LIST "" "*" RETURN (SUBSCRIBED CHILDREN STATUS (MESSAGES UNSEEN))');
  assert.ok(list.lines.includes('* LIST (\\HasNoChildren \\Subscribed) "/" Parent/Child'), list.lines.join('|'));
  assert.ok(list.lines.includes('* STATUS "Old Inbox" (MESSAGES 2 UNSEEN 2)'), list.lines.join('|'));
  list = await c.command('LIST (SPECIAL-USE) "" "*"');
  assert.deepEqual(list.lines.map((l) => l.split(' ').pop()).sort(), ['Archive', 'Drafts', 'Junk', 'Sent', 'Trash']);
  c.write('\r\nz1 NOOP\r\n');
  assert.equal(await c.readLine(), 'z1 OK NOOP completed.', 'the empty line is ignored');
  assert.deepEqual((await c.command('namespace')).lines, ['* NAMESPACE (("" "/")) NIL NIL']);
});
