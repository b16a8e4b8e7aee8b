// Spam scoring on the port-25 listener against a real DNS server (knot) serving a DNS blocklist,
// a URI blocklist, forward and reverse names: each rule (DNSBL, URI lists, HELO checks, missing
// reverse DNS, Date / Message-ID) shows in the X-Spam-Report breakdown and in the log, and the
// three thresholds add X-Spam-Flag, file into Junk, and refuse at SMTP time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startKnot, zoneHeader, type KnotServer } from '../support/knot.js';
import { startTestServer, type TestServerOptions } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';

const DNS = '127.0.8.2';
const LISTED = '127.0.8.20'; // on dnsbl.test, reverse name mx.clean.test (confirmed)
const NO_PTR = '127.0.8.21';
const LIAR = '127.0.8.22'; // reverse name liar.clean.test, which does not point back
const CLEAN = '127.0.8.23'; // mail.clean.test; the blocklist answers "query refused" for it

let knot: KnotServer;
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
before(async () => {
  knot = await startKnot({ after: (fn) => void cleanups.push(fn as () => unknown) }, DNS, {
    'clean.test': zoneHeader('clean.test', DNS) + '@ TXT "v=spf1 ip4:127.0.8.0/24 -all"\nmx A 127.0.8.20\nliar A 127.0.8.99\nmail A 127.0.8.23\n',
    'dnsbl.test': zoneHeader('dnsbl.test', DNS) + '20.8.0.127 A 127.0.0.2\n20.8.0.127 TXT "listed for testing"\n23.8.0.127 A 127.255.255.254\n',
    'uribl.test': zoneHeader('uribl.test', DNS) + 'spammy.test A 127.0.1.2\n',
    // ::1 in nibble form (RFC 5782 §2.4), listed.
    'dnsbl6.test': zoneHeader('dnsbl6.test', DNS) + `${'1.' + '0.'.repeat(31)}dnsbl6.test. A 127.0.0.3\n`,
    '8.0.127.in-addr.arpa': zoneHeader('8.0.127.in-addr.arpa', DNS) + '20 PTR mx.clean.test.\n22 PTR liar.clean.test.\n23 PTR mail.clean.test.\n',
  });
});

function server(t: Parameters<typeof startTestServer>[0], spam: NonNullable<TestServerOptions['config']>['spam'] = {}) {
  return startTestServer(t, {
    accounts: { 'alice@example.test': 'pw' },
    config: {
      dns: knot.server,
      trust: { trustedNetworks: [] },
      spam: { dnsbls: [{ zone: 'dnsbl.test', score: 4 }], uriBlocklists: [{ zone: 'uribl.test', score: 4 }], thresholds: { flag: 3, junk: 6, reject: 12 }, ...spam },
    },
  });
}

const DATE = () => new Date().toUTCString().replace('GMT', '+0000');

function message(opts: { subject?: string; body?: string; date?: string | null; messageId?: string | null } = {}): string {
  const date = opts.date === undefined ? DATE() : opts.date;
  const id = opts.messageId === undefined ? `<${Math.random().toString(36).slice(2)}@clean.test>` : opts.messageId;
  return (
    'From: Bob <bob@clean.test>\r\nTo: alice@example.test\r\n' +
    `Subject: ${opts.subject ?? 'hello'}\r\n` +
    (date === null ? '' : `Date: ${date}\r\n`) +
    (id === null ? '' : `Message-ID: ${id}\r\n`) +
    `\r\n${opts.body ?? 'Lunch tomorrow?\r\n'}`
  );
}

async function send(port: number, source: string, helo: string, data: string): Promise<{ code: number; text: string }> {
  const { dialog } = await SmtpDialog.open(port, '127.0.0.1', { localAddress: source });
  try {
    for (const line of [`EHLO ${helo}`, 'MAIL FROM:<bob@clean.test>', 'RCPT TO:<alice@example.test>', 'DATA']) {
      const r = await dialog.command(line);
      if (r.code >= 400) return r;
    }
    dialog.write(data + '.\r\n');
    return await dialog.reply();
  } finally {
    dialog.close();
  }
}

const inbox = (dataDir: string) => join(dataDir, 'mail/example.test/alice');
const junk = (dataDir: string) => join(dataDir, 'mail/example.test/alice/.Junk');
const headerOf = (stored: string) => stored.slice(0, stored.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
/** Rule name → score, from X-Spam-Status. */
function tests(stored: string): Record<string, number> {
  const m = /^X-Spam-Status: .* tests=(\S*)/m.exec(headerOf(stored));
  assert.ok(m, 'X-Spam-Status present');
  if (m[1] === 'none') return {};
  return Object.fromEntries(m[1]!.split(',').map((t) => [t.split('=')[0]!, Number(t.split('=')[1])]));
}

async function only(folder: string): Promise<string> {
  const all = await readMessages(folder);
  assert.equal(all.length, 1, `one message in ${folder}`);
  return all[0]!;
}

test('a clean message from a well-named client scores low and lands in INBOX without a flag', async (t) => {
  const s = await server(t);
  assert.equal((await send(s.ports.smtp!, CLEAN, 'mail.clean.test', message())).code, 250);
  const stored = await only(inbox(s.dataDir));
  assert.deepEqual(tests(stored), { SPF_PASS: -0.5, DKIM_NONE: 0.3 }, 'a 127.255.255.x answer is not a listing');
  assert.match(headerOf(stored), /^X-Spam-Score: -0\.2$/m);
  assert.doesNotMatch(headerOf(stored), /X-Spam-Flag/);
});

test('DNSBL: a listed client gets the zone\'s score, named in the report and the log', async (t) => {
  const s = await server(t);
  assert.equal((await send(s.ports.smtp!, LISTED, 'mx.clean.test', message())).code, 250);
  const stored = await only(inbox(s.dataDir));
  assert.equal(tests(stored).RCVD_IN_DNSBL_TEST, 4);
  assert.match(headerOf(stored), /\* {3}4\.0 RCVD_IN_DNSBL_TEST The client's address is listed on dnsbl\.test \[127\.0\.0\.2\]/);
  assert.match(headerOf(stored), /^X-Spam-Flag: YES$/m, 'over the flag threshold (3)');
  const verdict = s.log.ring.recent().find((r) => r.msg === 'message verdict');
  assert.equal((verdict?.rules as Record<string, number>).RCVD_IN_DNSBL_TEST, 4);
});

test('HELO checks: not a FQDN, claims to be us, address literal mismatch, bare IP', async (t) => {
  const s = await server(t);
  const cases: [string, Record<string, number>][] = [
    ['localhost', { HELO_NOT_FQDN: 1.5 }],
    ['mail.example.test', { HELO_CLAIMS_US: 3 }],
    ['example.test', { HELO_CLAIMS_US: 3 }],
    ['[127.0.8.99]', { HELO_IP_MISMATCH: 2 }],
    ['[127.0.8.23]', {}],
    ['127.0.8.23', { HELO_BARE_IP: 1 }],
  ];
  for (const [helo] of cases) {
    assert.equal((await send(s.ports.smtp!, CLEAN, helo, message({ subject: helo }))).code, 250, helo);
  }
  const stored = await readMessages(inbox(s.dataDir));
  for (const [helo, expected] of cases) {
    const m = stored.find((x) => x.includes(`Subject: ${helo}\r\n`));
    assert.ok(m, helo);
    const hits = Object.fromEntries(Object.entries(tests(m)).filter(([k]) => k.startsWith('HELO_')));
    assert.deepEqual(hits, expected, helo);
  }
});

test('reverse DNS: none, and a name that does not resolve back', async (t) => {
  const s = await server(t);
  assert.equal((await send(s.ports.smtp!, NO_PTR, 'mx.clean.test', message({ subject: 'no ptr' }))).code, 250);
  assert.equal((await send(s.ports.smtp!, LIAR, 'liar.clean.test', message({ subject: 'liar' }))).code, 250);
  const stored = await readMessages(inbox(s.dataDir));
  const noPtr = stored.find((m) => m.includes('Subject: no ptr'))!;
  const liar = stored.find((m) => m.includes('Subject: liar'))!;
  assert.equal(tests(noPtr).RDNS_NONE, 1.5);
  assert.equal(tests(liar).RDNS_MISMATCH, 0.5);
  assert.match(headerOf(liar), /RDNS_MISMATCH .* \[liar\.clean\.test\]/);
});

test('Date and Message-ID: missing, malformed, far in the future', async (t) => {
  const s = await server(t);
  const cases: [string, Parameters<typeof message>[0], string[]][] = [
    ['missing both', { date: null, messageId: null }, ['DATE_MISSING', 'MSGID_MISSING']],
    ['bad date', { date: 'yesterday at noon' }, ['DATE_INVALID']],
    ['bad id', { messageId: 'not-an-id' }, ['MSGID_INVALID']],
    ['future', { date: new Date(Date.now() + 5 * 86400_000).toUTCString().replace('GMT', '+0000') }, ['DATE_IN_FUTURE']],
  ];
  for (const [subject, opts] of cases) assert.equal((await send(s.ports.smtp!, CLEAN, 'mail.clean.test', message({ ...opts, subject }))).code, 250);
  const stored = await readMessages(inbox(s.dataDir));
  for (const [subject, , rules] of cases) {
    const m = stored.find((x) => x.includes(`Subject: ${subject}\r\n`))!;
    const hits = Object.keys(tests(m)).filter((k) => k.startsWith('DATE_') || k.startsWith('MSGID_'));
    assert.deepEqual(hits.sort(), rules.sort(), subject);
  }
});

test('URI blocklists: a link to a listed domain (DNS list), and to one on the local list', async (t) => {
  const s = await server(t, { blockedUriDomains: ['bad.test'] });
  const html =
    'Content-Type: multipart/alternative; boundary="b1"\r\nMIME-Version: 1.0\r\n'; // header continues below
  const body =
    '--b1\r\nContent-Type: text/plain\r\n\r\nSee our offer.\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
    '<p>Click <a href=3D"https://shop.spammy.test/buy?x=3D1">here</a></p>\r\n--b1--\r\n';
  const listed = message({ subject: 'listed link', body }).replace('\r\n\r\n', `\r\n${html}\r\n`);
  assert.equal((await send(s.ports.smtp!, CLEAN, 'mail.clean.test', listed)).code, 250);
  const local = message({ subject: 'local list', body: 'Visit http://promo.bad.test/now or www.fine.test\r\n' });
  assert.equal((await send(s.ports.smtp!, CLEAN, 'mail.clean.test', local)).code, 250);
  const stored = await readMessages(inbox(s.dataDir).replace(/$/, ''));
  const all = [...stored, ...(await readMessages(junk(s.dataDir)))];
  const a = all.find((m) => m.includes('Subject: listed link'))!;
  const b = all.find((m) => m.includes('Subject: local list'))!;
  assert.equal(tests(a).URIBL_URIBL_TEST, 4);
  assert.match(headerOf(a), /URIBL_URIBL_TEST .* \[spammy\.test\]/);
  assert.equal(tests(b).URI_BLOCKED, 5);
  assert.equal(tests(b).URIBL_URIBL_TEST, undefined);
});

test('thresholds: flag only, then Junk, then 550 5.7.1 at SMTP time; the breakdown is logged each time', async (t) => {
  const s = await server(t);
  // 4 (DNSBL) - 0.5 (SPF) + 0.3 (no DKIM) = 3.8: flagged, still INBOX.
  assert.equal((await send(s.ports.smtp!, LISTED, 'mx.clean.test', message({ subject: 'flag' }))).code, 250);
  // + a listed link (4) = 7.8: Junk.
  const link = message({ subject: 'junk', body: 'Cheap! https://www.spammy.test/\r\n' });
  assert.equal((await send(s.ports.smtp!, LISTED, 'mx.clean.test', link)).code, 250);
  // + HELO claiming to be us (3) + no Message-ID (1.5) = 12.3: refused.
  const worst = message({ subject: 'refuse', body: 'Cheap! https://www.spammy.test/\r\n', messageId: null });
  const r = await send(s.ports.smtp!, LISTED, 'mail.example.test', worst);
  assert.equal(r.code, 550);
  assert.equal(r.text, '5.7.1 Message refused as spam');

  const flagged = await only(inbox(s.dataDir));
  assert.match(flagged, /Subject: flag/);
  assert.match(headerOf(flagged), /^X-Spam-Flag: YES$/m);
  assert.match(headerOf(flagged), /X-Spam-Status: Yes, score=3\.8 required=3\.0 action=inbox/);
  const junked = await only(junk(s.dataDir));
  assert.match(junked, /Subject: junk/);
  assert.match(headerOf(junked), /X-Spam-Status: Yes, score=7\.8 required=3\.0 action=junk/);

  const verdicts = s.log.ring.recent().filter((rec) => rec.msg === 'message verdict');
  assert.deepEqual(verdicts.map((v) => [v.score, v.action]), [[3.8, 'inbox'], [7.8, 'junk'], [12.3, 'refuse']]);
  assert.deepEqual(verdicts[2]!.rules, { SPF_PASS: -0.5, DKIM_NONE: 0.3, HELO_CLAIMS_US: 3, RCVD_IN_DNSBL_TEST: 4, MSGID_MISSING: 1.5, URIBL_URIBL_TEST: 4 });
  assert.ok(s.log.ring.recent().some((rec) => rec.msg === 'message refused' && rec.reason === 'spam-score'));
});

test('spam.enabled false: authentication results only, no X-Spam fields, no scoring', async (t) => {
  const s = await server(t, { enabled: false });
  assert.equal((await send(s.ports.smtp!, LISTED, 'localhost', message({ messageId: null }))).code, 250);
  const stored = await only(inbox(s.dataDir));
  assert.match(headerOf(stored), /^Authentication-Results: mail\.example\.test;/m);
  assert.doesNotMatch(headerOf(stored), /X-Spam-/);
});

test('IPv6 clients: the blocklist is asked in nibble form, the verdict fields are written as for IPv4', async (t) => {
  const s = await startTestServer(t, {
    accounts: { 'alice@example.test': 'pw' },
    config: { listen: '::1', dns: knot.server, trust: { trustedNetworks: [] }, spam: { dnsbls: [{ zone: 'dnsbl6.test', score: 2 }], uriBlocklists: [] } },
  });
  const { dialog } = await SmtpDialog.open(s.ports.smtp!, '::1');
  t.after(() => dialog.close());
  for (const line of ['EHLO [IPv6:::1]', 'MAIL FROM:<bob@clean.test>', 'RCPT TO:<alice@example.test>', 'DATA']) assert.ok((await dialog.command(line)).code < 400, line);
  dialog.write(message() + '.\r\n');
  assert.equal((await dialog.reply()).code, 250);
  const stored = await only(inbox(s.dataDir));
  assert.equal(tests(stored).RCVD_IN_DNSBL6_TEST, 2);
  assert.equal(tests(stored).HELO_IP_MISMATCH, undefined, 'the IPv6 literal is the client');
  assert.match(headerOf(stored), /spf=fail \([^)]*::1[^)]*\) smtp\.mailfrom=bob@clean\.test/);
});
