// SEARCH with every RFC 9051 search key, CHARSET UTF-8 (and BADCHARSET for others), ESEARCH
// RETURN (MIN MAX ALL COUNT SAVE) with SEARCHRES `$`, IMAP4rev2's ESEARCH-by-default, CONDSTORE's
// MODSEQ, and BODY/TEXT matching decoded text (quoted-printable, base64, charsets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Flag } from '../../src-mailserver/store/maildir.js';
import { LineClient } from '../support/line-client.js';
import { startTestServer } from '../support/test-server.js';

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';
const MESSAGES: { data: string; flags: number; keywords?: string[]; date: number }[] = [
  // 1
  { data: crlf(['From: Alice <alice@example.com>', 'To: bob@example.org', 'Cc: carol@example.net', 'Subject: Quarterly report', 'Date: Mon, 2 Mar 2026 10:00:00 +0000', 'X-Priority: 1', '', 'The numbers are in.']), flags: Flag.Seen, date: Date.UTC(2026, 2, 2, 10) },
  // 2
  { data: crlf(['From: Bob <bob@example.org>', 'To: alice@example.com', 'Bcc: hidden@example.com', 'Subject: =?iso-8859-1?q?Caf=E9?= tomorrow', 'Date: Tue, 3 Mar 2026 09:00:00 +0000', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'Rendez-vous au caf=E9 =E0 midi.']), flags: Flag.Answered | Flag.Flagged, keywords: ['$Work'], date: Date.UTC(2026, 2, 3, 9) },
  // 3
  { data: crlf(['From: Carol <carol@example.net>', 'Subject: photos', 'Date: Wed, 4 Mar 2026 08:00:00 +0000', 'Content-Type: multipart/mixed; boundary=z', '', '--z', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', Buffer.from('holiday pictures attached, enjoy').toString('base64'), '--z', 'Content-Type: image/jpeg', 'Content-Transfer-Encoding: base64', '', '/9j/4AAQSkZJRg==', '--z--']), flags: Flag.Deleted | Flag.Draft, date: Date.UTC(2026, 2, 4, 8) },
  // 4
  { data: crlf(['From: Dan <dan@example.com>', 'Subject: big one', 'Date: Thu, 5 Mar 2026 23:30:00 -0500', '', 'x'.repeat(5000)]), flags: 0, date: Date.UTC(2026, 2, 6, 4, 30) },
];

test('SEARCH: every key, charsets, ESEARCH and SEARCHRES', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const account = server.service.directory.accounts.get('alice@example.test')!;
  const inbox = server.service.store.index.getMailbox(account.id, 'INBOX')!;
  for (const m of MESSAGES) await server.service.store.append(account, inbox, Buffer.from(m.data, 'latin1'), { flags: m.flags, keywords: m.keywords, internalDate: m.date });
  const c = await LineClient.connect(server.ports.imap!);
  t.after(() => c.close());
  await c.readLine();
  await c.command('LOGIN alice@example.test pw-alice');
  await c.command('SELECT INBOX');
  await c.command('STORE 4 +FLAGS (\\Seen)'); // now message 4 is seen; 1-4 are \Recent for this session
  const search = async (criteria: string, uid = false) => {
    const r = await c.command(`${uid ? 'UID ' : ''}SEARCH ${criteria}`);
    assert.match(r.tagged, /^OK/, `${criteria}: ${r.tagged}`);
    return r.lines.find((l) => l.startsWith('* SEARCH'))!.replace(/^\* SEARCH ?/, '');
  };
  const cases: [string, string][] = [
    ['ALL', '1 2 3 4'],
    ['ANSWERED', '2'],
    ['UNANSWERED', '1 3 4'],
    ['DELETED', '3'],
    ['UNDELETED', '1 2 4'],
    ['DRAFT', '3'],
    ['UNDRAFT', '1 2 4'],
    ['FLAGGED', '2'],
    ['UNFLAGGED', '1 3 4'],
    ['SEEN', '1 4'],
    ['UNSEEN', '2 3'],
    ['KEYWORD $work', '2'],
    ['UNKEYWORD $Work', '1 3 4'],
    ['RECENT', '1 2 3 4'],
    ['NEW', '2 3'],
    ['OLD', ''],
    ['FROM carol', '3'],
    ['TO alice@example.com', '2'],
    ['CC carol', '1'],
    ['BCC hidden', '2'],
    ['SUBJECT café', '2'],
    ['SUBJECT "quarterly REPORT"', '1'],
    ['HEADER X-Priority 1', '1'],
    ['HEADER X-Priority ""', '1'],
    ['BODY café', '2'],
    ['BODY "holiday pictures"', '3'],
    ['BODY jpeg', ''],
    ['TEXT "photos"', '3'],
    ['TEXT numbers', '1'],
    ['BEFORE 3-Mar-2026', '1'],
    ['ON 3-Mar-2026', '2'],
    ['SINCE 4-Mar-2026', '3 4'],
    ['SENTBEFORE 3-Mar-2026', '1'],
    ['SENTON 4-Mar-2026', '3'],
    ['SENTSINCE 5-Mar-2026', '4'],
    ['LARGER 4000', '4'],
    ['SMALLER 200', '1'],
    ['UID 2:3', '2 3'],
    ['2,4', '2 4'],
    ['3:*', '3 4'],
    ['NOT SEEN', '2 3'],
    ['OR FLAGGED DRAFT', '2 3'],
    ['(SEEN LARGER 1000)', '4'],
    ['OR (FROM alice SEEN) (FROM dan)', '1 4'],
    ['NOT OR ANSWERED DELETED', '1 4'],
  ];
  for (const [criteria, expected] of cases) assert.equal(await search(criteria), expected, `SEARCH ${criteria}`);
  assert.equal(await search('CHARSET UTF-8 BODY {4+}\r\ncafé'.replace('{4+}', `{${Buffer.byteLength('café')}+}`)), '2');
  assert.match((await c.command('SEARCH CHARSET KOI8-R BODY x')).tagged, /^NO \[BADCHARSET \(US-ASCII UTF-8\)\]/);
  assert.equal(await search('SEEN', true), '1 4');

  let r = await c.command('SEARCH RETURN (MIN MAX COUNT ALL) UNDELETED');
  assert.deepEqual(r.lines, ['* ESEARCH (TAG "t11") MIN 1 MAX 4 ALL 1:2,4 COUNT 3'.replace('t11', /t\d+/.exec(r.lines[0]!)![0])]);
  r = await c.command('UID SEARCH RETURN () FLAGGED');
  assert.match(r.lines[0]!, /^\* ESEARCH \(TAG "t\d+"\) UID ALL 2$/);
  r = await c.command('SEARCH RETURN (COUNT) KEYWORD nothing');
  assert.match(r.lines[0]!, /COUNT 0$/);
  r = await c.command('SEARCH RETURN (SAVE) OR SEEN FLAGGED');
  assert.deepEqual(r.lines, [], 'SAVE alone gives no ESEARCH');
  assert.equal(await search('$'), '1 2 4');
  r = await c.command('FETCH $ (UID)');
  assert.deepEqual(r.lines, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 2)', '* 4 FETCH (UID 4)']);
  r = await c.command('SEARCH MODSEQ 1');
  assert.match(r.lines[0]!, /^\* SEARCH 1 2 3 4 \(MODSEQ \d+\)$/);
  await c.command('ENABLE IMAP4rev2');
  r = await c.command('SEARCH ANSWERED');
  assert.match(r.lines[0]!, /^\* ESEARCH \(TAG "t\d+"\) ALL 2$/, 'IMAP4rev2 answers with ESEARCH');
});
