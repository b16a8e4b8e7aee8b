// Dovecot pointed at the same Maildir as a cross-check: after our server stored a corpus of
// messages with flags and keywords in folders with non-ASCII and hierarchical names, Dovecot
// sees the same folders and subscriptions, the same flags and keywords (from the `:2,` letters and
// dovecot-keywords), and computes the same ENVELOPE, BODYSTRUCTURE (sizes and line counts
// included), RFC822.SIZE and section bytes as we do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { ImapFlow } from 'imapflow';
import { run } from '../support/processes.js';
import { startDovecot } from '../support/dovecot.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer } from '../support/test-server.js';

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

const CORPUS = [
  crlf(['From: Alice <alice@example.com>', 'To: bob@example.org', 'Subject: plain', 'Message-ID: <c1@x>', 'Date: Mon, 2 Mar 2026 10:00:00 +0100', '', 'just text', 'two lines']),
  crlf([
    'From: "Bob, Jr." <bob@example.org>',
    'To: friends: a@example.com, b@example.com;, c@example.net',
    'Cc: =?utf-8?q?J=C3=BCrgen?= <j@example.de>',
    'Subject: =?utf-8?b?w4RwZmVs?= and pears',
    'Message-ID: <c2@x>',
    'In-Reply-To: <c1@x>',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'preamble',
    '--outer',
    'Content-Type: multipart/alternative; boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=C3=BC=C3=9Fe',
    '--inner',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>hi</p>',
    '--inner--',
    '',
    '--outer',
    'Content-Type: application/pdf; name="a.pdf"',
    'Content-Disposition: attachment; filename="a.pdf"',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <part2@x>',
    'Content-Description: a file',
    'Content-Language: en, de',
    '',
    'JVBERi0xLjQK',
    '--outer--',
    'epilogue',
  ]),
  crlf([
    'From: list@example.com',
    'Subject: forwarded',
    'Message-ID: <c3@x>',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'see attached',
    '--b',
    'Content-Type: message/rfc822',
    '',
    'From: inner@example.com',
    'Subject: the inner one',
    'Message-ID: <inner@x>',
    '',
    'inner body',
    'line 2',
    '--b--',
  ]),
  // (A Content-Transfer-Encoding without a Content-Type: Dovecot reports 7bit, we report what the
  // field says, RFC 2045 §6.1; so the cross-check leaves that case out.)
  crlf(['From: nobody@example.com', 'Subject: no content type', 'Message-ID: <c4@x>', '', 'caf\u00e9 cr\u00e8me', '.', 'x']),
  crlf(['Message-ID: <c5@x>', 'Subject: empty body', '']),
  crlf([
    'From: d@example.com',
    'Message-ID: <c6@x>',
    'Subject: digest',
    'Content-Type: multipart/digest; boundary=dg',
    '',
    '--dg',
    '',
    'Subject: one',
    '',
    'first',
    '--dg',
    '',
    'Subject: two',
    '',
    'second',
    '--dg--',
  ]),
];

const FLAGS: string[][] = [['\\Seen'], ['\\Seen', '\\Flagged', '$Forwarded'], ['\\Answered', 'Work'], ['\\Draft', '$Junk', 'Work'], ['\\Deleted'], []];

const SCRIPT = String.raw`
import imaplib, json, sys, re
port, password = int(sys.argv[1]), sys.argv[2]
M = imaplib.IMAP4('127.0.0.1', port)
M.login('alice@example.test', password)
typ, boxes = M.list('""', '*')
out = {'boxes': sorted(re.sub(r'^\([^)]*\) ', '', b.decode()) for b in boxes), 'messages': {}}
typ, subs = M.lsub('""', '*')
out['subscribed'] = sorted(re.sub(r'^\([^)]*\) ', '', b.decode()) for b in subs)
for box in ['INBOX', '"&AMQ-pfel/Kisten"']:
    M.select(box, readonly=True)
    typ, data = M.fetch('1:*', '(FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[1] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BINARY.SIZE[1])')
    items = []
    cur = b''
    for d in data:
        if isinstance(d, tuple):
            cur += d[0] + b'{' + str(len(d[1])).encode() + b'}' + d[1]
        else:
            cur += d
            items.append(cur.decode('latin1'))
            cur = b''
    for it in items:
        mid = re.search(r'"(<c\d@x>)"\)', it)
        out['messages'][box + ' ' + (mid.group(1) if mid else str(len(out['messages'])))] = it
print(json.dumps(out))
`;

/** Remove what may legitimately differ: sequence numbers, \Recent, item order inside FETCH. */
function normalize(item: string): Record<string, string> {
  const body = item.replace(/^\d+ \(/, '').replace(/\)$/, '');
  const parts: Record<string, string> = {};
  const re = /(FLAGS|RFC822\.SIZE|ENVELOPE|BODYSTRUCTURE|BODY\[1\]|BODY\[TEXT\]|BODY\[HEADER\.FIELDS \(SUBJECT FROM\)\]|BINARY\.SIZE\[1\]) /g;
  const marks: { name: string; at: number; end: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) marks.push({ name: m[1]!, at: m.index, end: m.index + m[0].length });
  marks.forEach((mk, i) => {
    const value = body.slice(mk.end, i + 1 < marks.length ? marks[i + 1]!.at : body.length).trim();
    parts[mk.name] = mk.name === 'FLAGS' ? value.replace(/ ?\\Recent/, '').replace(/[()]/g, '').split(' ').filter(Boolean).sort().join(' ') : value.toLowerCase();
  });
  // BINARY of a multipart: Dovecot re-encodes the nested parts to binary, we return them as
  // stored (RFC 3516 leaves it open); only leaves are compared.
  if (parts.BODYSTRUCTURE?.startsWith('(((')) delete parts['BINARY.SIZE[1]'];
  return parts;
}

test('Dovecot reads our Maildir the way we serve it: folders, flags, keywords, structure', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const client = new ImapFlow({ host: '127.0.0.1', port: server.ports.imap!, secure: false, auth: { user: 'alice@example.test', pass: 'pw-alice' }, logger: false, tls: { rejectUnauthorized: false } });
  await client.connect();
  t.after(() => client.close());
  await client.mailboxCreate(['Äpfel', 'Kisten']);
  for (let i = 0; i < CORPUS.length; i++) {
    await client.append('INBOX', CORPUS[i]!, FLAGS[i]!, new Date(Date.UTC(2026, 2, 1 + i)));
    await client.append('Äpfel/Kisten', CORPUS[i]!, FLAGS[(i + 1) % FLAGS.length]!);
  }
  await client.mailboxSubscribe('Äpfel/Kisten');
  await client.mailboxUnsubscribe('Trash');
  await client.logout();

  const work = await makeTempDir('dovecot-');
  t.after(() => work.remove());
  const hash = server.service.directory.accounts.get('alice@example.test')!.passwordHash;
  const dovecot = await startDovecot(t, work.path, join(server.dataDir, 'mail'), { 'alice@example.test': hash });
  const ask = async (port: number) => {
    const r = await run('python3', ['-c', SCRIPT, String(port), 'pw-alice']);
    assert.equal(r.code, 0, r.stderr + (await readFile(join(work.path, 'dovecot.log'), 'utf8').catch(() => '')));
    return JSON.parse(r.stdout) as { boxes: string[]; subscribed: string[]; messages: Record<string, string> };
  };
  const ours = await ask(server.ports.imap!);
  const theirs = await ask(dovecot.port);
  assert.deepEqual(theirs.boxes, ours.boxes, 'same folder names (modified UTF-7 on disk, / hierarchy)');
  assert.deepEqual(theirs.subscribed, ours.subscribed, 'same subscriptions (Dovecot reads our subscriptions file)');
  assert.ok(ours.subscribed.includes('"/" &AMQ-pfel/Kisten') && !ours.subscribed.some((b) => b.endsWith('Trash')), ours.subscribed.join('|'));
  assert.ok(ours.boxes.includes('"/" &AMQ-pfel/Kisten'), ours.boxes.join('|'));
  assert.deepEqual(Object.keys(theirs.messages).sort(), Object.keys(ours.messages).sort());
  for (const key of Object.keys(ours.messages)) {
    const a = normalize(ours.messages[key]!);
    const b = normalize(theirs.messages[key]!);
    for (const item of Object.keys(a)) assert.equal(a[item], b[item], `${key} ${item}\nours:    ${a[item]}\ndovecot: ${b[item]}`);
  }
});
