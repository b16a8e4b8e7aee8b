// IMAP4rev1 behaviour through Python's imaplib, as older clients (and Thunderbird, Apple Mail,
// Outlook) use it: LOGIN, LSUB and XLIST with special-use, RECENT and UNSEEN on SELECT, STATUS,
// APPEND with flags and date, UID FETCH / STORE / COPY / SEARCH, EXPUNGE, CLOSE, EXAMINE,
// namespaces, and IMAPS (TLS from the first byte).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../support/processes.js';
import { startTestServer } from '../support/test-server.js';

const SCRIPT = String.raw`
import imaplib, json, sys, ssl
port, tls = int(sys.argv[1]), sys.argv[2] == 'tls'
out = {}
if tls:
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    M = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
else:
    M = imaplib.IMAP4('127.0.0.1', port)
def d(v):
    if isinstance(v, bytes): return v.decode('latin1')
    if isinstance(v, (list, tuple)): return [d(p) for p in v]
    return v
def s(x): return d(list(x))
out['caps'] = list(M.capabilities)
out['login'] = s(M.login('alice@example.test', 'pw-alice'))
out['namespace'] = s(M.namespace())
out['lsub'] = s(M.lsub('""', '*'))
imaplib.Commands['XLIST'] = ('AUTH', 'SELECTED')
out['xlist'] = s(M._untagged_response(*M._simple_command('XLIST', '""', '*'), 'XLIST'))
msg = b'From: Bob <bob@example.com>\r\nSubject: one\r\nDate: Mon, 2 Mar 2026 08:00:00 +0000\r\n\r\nfirst body\r\n'
out['append1'] = s(M.append('INBOX', r'(\Seen)', imaplib.Time2Internaldate(1772438400), msg))
out['append2'] = s(M.append('INBOX', None, None, b'From: Carol <carol@example.org>\r\nSubject: two\r\n\r\nsecond\r\n'))
typ, data = M.select('INBOX')
out['select'] = s(data)
out['recent'] = s(M.response('RECENT'))
out['unseen'] = s(M.response('UNSEEN'))
out['uidvalidity'] = s(M.response('UIDVALIDITY'))
out['status'] = s(M.status('INBOX', '(MESSAGES RECENT UIDNEXT UNSEEN)'))
out['fetch'] = s(M.uid('FETCH', '1:*', '(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])'))
out['search'] = s(M.uid('SEARCH', None, 'UNSEEN'))
out['search_text'] = s(M.search(None, 'TEXT', '"second"'))
out['search_or'] = s(M.search(None, 'OR', 'SUBJECT', 'one', 'FROM', 'carol'))
out['search_since'] = s(M.search(None, 'SINCE', '1-Mar-2026', 'BEFORE', '3-Mar-2026'))
out['store'] = s(M.uid('STORE', '2', '+FLAGS', r'(\Deleted \Answered)'))
M.uid('COPY', '1:2', 'Archive')
out['copy'] = s(M.response('COPYUID'))
out['copy_missing'] = s(M.copy('1', 'Nowhere'))
out['expunge'] = s(M.expunge())
out['after'] = s(M.search(None, 'ALL'))
out['close'] = s(M.close())
out['examine'] = s(M.select('Archive', readonly=True))
out['store_ro'] = s(M.store('1', '+FLAGS', r'\Seen'))
out['create'] = s(M.create('Lists/Debian'))
out['list'] = s(M.list('""', 'Lists/*'))
out['list_pct'] = s(M.list('""', '%'))
out['subscribe'] = s(M.subscribe('Lists/Debian'))
out['lsub2'] = s(M.lsub('""', 'Lists/*'))
out['create_bad'] = s(M.create('../../etc'))
out['getquotaroot'] = s(M.getquotaroot('INBOX'))
out['logout'] = s(M.logout())
print(json.dumps(out))
`;

async function runScript(port: number, tls: boolean): Promise<Record<string, unknown[]>> {
  const r = await run('python3', ['-c', SCRIPT, String(port), tls ? 'tls' : 'plain'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown[]>;
}

test('imaplib: an IMAP4rev1 session on port 143', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const o = await runScript(server.ports.imap!, false);
  assert.ok((o.caps as string[]).includes('IDLE'), 'IDLE is shown before login (Outlook)');
  assert.ok((o.caps as string[]).includes('STARTTLS'));
  assert.equal(o.login![0], 'OK');
  assert.deepEqual(o.namespace, ['OK', ['(("" "/")) NIL NIL']]);
  const lsub = (o.lsub![1] as string[]).join('\n');
  assert.match(lsub, /\(\\HasNoChildren \\Sent\) "\/" Sent/, 'special-use on LSUB (Outlook 2013)');
  assert.match(lsub, /\(\\HasNoChildren\) "\/" INBOX/);
  const xlist = (o.xlist![1] as string[]).join('\n');
  assert.match(xlist, /\(\\HasNoChildren \\Inbox\) "\/" INBOX/);
  assert.match(xlist, /\\Spam\) "\/" Junk/);
  assert.match((o.append1![1] as string[])[0]!, /^\[APPENDUID \d+ 1\]/);
  assert.deepEqual(o.recent, ['RECENT', ['2']]);
  assert.deepEqual(o.unseen, ['UNSEEN', ['2']]);
  assert.match((o.status![1] as string[])[0]!, /^INBOX \(MESSAGES 2 RECENT 0 UIDNEXT 3 UNSEEN 1\)$/);
  const fetched = JSON.stringify(o.fetch);
  assert.match(fetched, /UID 1 FLAGS \(\\\\Seen \\\\Recent\) RFC822.SIZE 95 INTERNALDATE \\"02-Mar-2026 08:00:00 \+0000\\"/);
  assert.match(fetched, /Subject: one/);
  assert.deepEqual(o.search, ['OK', ['2']]);
  assert.deepEqual(o.search_text, ['OK', ['2']]);
  assert.deepEqual(o.search_or, ['OK', ['1 2']]);
  assert.deepEqual(o.search_since, ['OK', ['1']]);
  assert.match(JSON.stringify(o.store), /\\\\Deleted/);
  assert.match((o.copy![1] as string[])[0]!, /^\d+ 1:2 1:2$/);
  assert.equal(o.copy_missing![0], 'NO');
  assert.match((o.copy_missing![1] as string[])[0]!, /^\[TRYCREATE\]/);
  assert.deepEqual(o.expunge, ['OK', ['2']]);
  assert.deepEqual(o.after, ['OK', ['1']]);
  assert.equal(o.examine![0], 'OK');
  assert.equal(o.store_ro![0], 'NO');
  assert.equal(o.create![0], 'OK');
  assert.deepEqual(o.list, ['OK', ['(\\HasNoChildren) "/" Lists/Debian']]);
  assert.ok((o.list_pct![1] as string[]).includes('(\\HasChildren) "/" Lists'));
  assert.ok(!(o.list_pct![1] as string[]).some((l) => l.includes('Lists/Debian')));
  assert.deepEqual(o.lsub2, ['OK', ['(\\HasNoChildren) "/" Lists/Debian']]);
  assert.equal(o.create_bad![0], 'NO', 'path tricks refused');
  assert.deepEqual(o.getquotaroot, ['OK', [['INBOX'], [null]]], 'no quota: a QUOTAROOT without roots');
  assert.equal(o.logout![0], 'BYE');
});

test('imaplib: IMAPS on port 993', async (t) => {
  const server = await startTestServer(t, { listeners: ['imaps'], accounts: { 'alice@example.test': 'pw-alice' } });
  const o = await runScript(server.ports.imaps!, true);
  assert.ok(!(o.caps as string[]).includes('STARTTLS'));
  assert.ok((o.caps as string[]).includes('AUTH=PLAIN'));
  assert.equal(o.login![0], 'OK');
  assert.equal(o.logout![0], 'BYE');
});
