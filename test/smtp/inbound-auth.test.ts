// SPF, DKIM, DMARC and ARC on the port-25 listener against a real DNS server (knot) serving the
// senders' records: pass / fail / none for each, relaxed alignment and its absence, DMARC
// p=reject refused with 550 5.7.1 (or filed into Junk when so configured), p=quarantine filed into
// Junk, a trusted ARC sealer forgiving a forwarded message, forged Authentication-Results removed,
// and a 30 MB message checked in one pass. Messages are DKIM-signed by python3-dkim; clients bind
// 127.0.8.x source addresses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKnot, zoneHeader, type KnotServer } from '../support/knot.js';
import { arcSeal, makeDkimKey, pythonDkimSign, txt, type TestKey } from '../support/dkim-peer.js';
import { startTestServer, type TestServerOptions } from '../support/test-server.js';
import { readMessages } from '../support/maildir-reader.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { makeTempDir } from '../support/temp-dir.js';

const DNS = '127.0.8.1';
const GOOD = '127.0.8.10'; // mail.pass.test: permitted by SPF, forward-confirmed reverse name
const OTHER = '127.0.8.11'; // permitted by nobody
const FORWARDER = '127.0.8.12'; // mail.forwarder.test

let knot: KnotServer;
let senderKey: TestKey;
let forwarderKey: TestKey;
let keyFile: string;
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

before(async () => {
  senderKey = makeDkimKey();
  forwarderKey = makeDkimKey();
  const dir = await makeTempDir('dkim-keys-');
  cleanups.push(() => dir.remove());
  keyFile = join(dir.path, 'sel.pem');
  await writeFile(keyFile, senderKey.privatePem);
  const signer = (zone: string, spf: string, dmarc: string | null) =>
    zoneHeader(zone, DNS) +
    `@ TXT "${spf}"\n` +
    `sel._domainkey TXT ${txt(senderKey.record)}\n` +
    (dmarc ? `_dmarc TXT "${dmarc}"\n` : '') +
    `mail A ${GOOD}\n` +
    'mail TXT "v=spf1 a -all"\n';
  knot = await startKnot({ after: (fn) => void cleanups.push(fn as () => unknown) }, DNS, {
    'pass.test': signer('pass.test', `v=spf1 ip4:${GOOD} -all`, 'v=DMARC1; p=reject'),
    'quarantine.test': signer('quarantine.test', `v=spf1 ip4:${GOOD} -all`, 'v=DMARC1; p=quarantine'),
    'nodmarc.test': signer('nodmarc.test', `v=spf1 ip4:${GOOD} -all`, null),
    'nospf.test': zoneHeader('nospf.test', DNS),
    'forwarder.test': zoneHeader('forwarder.test', DNS) + `@ TXT "v=spf1 ip4:${FORWARDER} -all"\narc._domainkey TXT ${txt(forwarderKey.record)}\nmail A ${FORWARDER}\n`,
    '8.0.127.in-addr.arpa': zoneHeader('8.0.127.in-addr.arpa', DNS) + '10 PTR mail.pass.test.\n12 PTR mail.forwarder.test.\n',
  });
});

async function server(t: Parameters<typeof startTestServer>[0], config: TestServerOptions['config'] = {}) {
  return startTestServer(t, {
    accounts: { 'alice@example.test': 'pw' },
    config: { dns: knot.server, trust: { trustedNetworks: [] }, spam: { dnsbls: [], uriBlocklists: [] }, ...config },
  });
}

function message(from: string, subject: string, body = 'Hello Alice,\r\nsee you at the meeting on Thursday.\r\n', extra = ''): string {
  return (
    `From: Sender <${from}>\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString().replace('GMT', '+0000')}\r\n` +
    `Message-ID: <${Math.random().toString(36).slice(2)}@${from.split('@')[1]}>\r\n${extra}MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n${body}`
  );
}

/** One SMTP transaction from `source`; the reply to DATA (or to the first command refused). */
async function send(port: number, source: string, helo: string, mailFrom: string, data: string): Promise<{ code: number; text: string }> {
  const { dialog, greeting } = await SmtpDialog.open(port, '127.0.0.1', { localAddress: source });
  try {
    assert.equal(greeting.code, 220);
    for (const line of [`EHLO ${helo}`, `MAIL FROM:<${mailFrom}>`, 'RCPT TO:<alice@example.test>', 'DATA']) {
      const r = await dialog.command(line);
      if (r.code >= 400) return r;
    }
    dialog.write(data.replace(/\r\n\./g, '\r\n..') + (data.endsWith('\r\n') ? '' : '\r\n') + '.\r\n');
    const r = await dialog.reply();
    await dialog.command('QUIT').catch(() => undefined);
    return r;
  } finally {
    dialog.close();
  }
}

const inbox = (dataDir: string) => join(dataDir, 'mail/example.test/alice');
const junk = (dataDir: string) => join(dataDir, 'mail/example.test/alice/.Junk');
/** The header section of a stored message, unfolded, one field per line. */
const headerOf = (stored: string) => stored.slice(0, stored.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
const authResults = (stored: string) => /^Authentication-Results: (.*)$/m.exec(headerOf(stored))?.[1] ?? '';

test('SPF, DKIM and DMARC pass: Authentication-Results says so, SPF of the HELO name too, into INBOX', async (t) => {
  const s = await server(t);
  const signed = await pythonDkimSign(message('bob@pass.test', 'all pass'), 'pass.test', 'sel', keyFile);
  const r = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'bob@pass.test', signed);
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(inbox(s.dataDir));
  assert.ok(stored);
  const ar = authResults(stored);
  assert.match(ar, /^mail\.example\.test; /);
  assert.match(ar, /dkim=pass header\.i=@pass\.test header\.s=sel header\.a=rsa-sha256/);
  assert.match(ar, /spf=pass \([^)]*\) smtp\.mailfrom=bob@pass\.test/);
  assert.match(ar, /spf=pass \([^)]*\) smtp\.helo=mail\.pass\.test/);
  assert.match(ar, /arc=none/);
  assert.match(ar, /dmarc=pass \(p=REJECT arc=none\) header\.from=pass\.test/);
  // Order: Return-Path first, our verdicts, then our Received, then the sender's own fields.
  const names = headerOf(stored).split('\r\n').map((l) => l.slice(0, l.indexOf(':')));
  assert.deepEqual(names.slice(0, 7), ['Return-Path', 'Authentication-Results', 'X-Spam-Score', 'X-Spam-Status', 'X-Spam-Report', 'Received', 'DKIM-Signature']);
  assert.match(headerOf(stored), /X-Spam-Status: No, score=-2\.3 required=5\.0 action=inbox tests=DKIM_VALID=-0\.3,DKIM_VALID_AUTHOR=-0\.5,SPF_PASS=-0\.5,DMARC_PASS=-1\.0/);
  assert.equal((await readMessages(junk(s.dataDir))).length, 0);
  // The verdict with its breakdown is in the log too.
  const verdict = s.log.ring.recent().find((l) => l.msg === 'message verdict');
  assert.ok(verdict, 'verdict logged');
  assert.equal(verdict.spf, 'pass');
  assert.equal(verdict.dmarc, 'pass p=reject');
  assert.deepEqual(verdict.rules, { SPF_PASS: -0.5, DKIM_VALID: -0.3, DKIM_VALID_AUTHOR: -0.5, DMARC_PASS: -1 });
});

test('DMARC p=reject with SPF and DKIM failing is refused with 550 5.7.1, nothing is stored', async (t) => {
  const s = await server(t);
  const signed = await pythonDkimSign(message('bob@pass.test', 'spoofed'), 'pass.test', 'sel', keyFile);
  const tampered = signed.replace('see you at the meeting', 'send the money to the account');
  const r = await send(s.ports.smtp!, OTHER, 'mail.pass.test', 'bob@pass.test', tampered);
  assert.equal(r.code, 550);
  assert.match(r.text, /^5\.7\.1 Email rejected per DMARC policy for pass\.test/);
  assert.equal((await readMessages(inbox(s.dataDir))).length, 0);
  assert.equal((await readMessages(junk(s.dataDir))).length, 0);
  const verdict = s.log.ring.recent().find((l) => l.msg === 'message verdict');
  assert.ok(verdict);
  assert.equal(verdict.spf, 'fail');
  assert.deepEqual(verdict.dkim, ['neutral:pass.test']); // mailauth's word for a body hash mismatch
  assert.equal(verdict.reason, 'dmarc-reject');
  // The HELO name mail.pass.test permits only its own address ("a -all"): SPF of the HELO fails too.
  assert.equal(verdict.spfHelo, 'fail');
  assert.equal((verdict.rules as Record<string, number>).SPF_HELO_FAIL, 1);
});

test('DMARC alignment: a subdomain MAIL FROM passing SPF aligns (relaxed); SPF and DKIM passing for another domain do not', async (t) => {
  const s = await server(t);
  // MAIL FROM at mail.pass.test (its own SPF record permits GOOD), From: pass.test, no signature.
  const aligned = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'bounce@mail.pass.test', message('bob@pass.test', 'relaxed alignment'));
  assert.equal(aligned.code, 250, aligned.text);
  const [stored] = await readMessages(inbox(s.dataDir));
  assert.ok(stored);
  const ar = authResults(stored);
  assert.match(ar, /dkim=none/);
  assert.match(ar, /spf=pass \([^)]*\) smtp\.mailfrom=bounce@mail\.pass\.test/);
  assert.match(ar, /dmarc=pass \(p=REJECT arc=none\) header\.from=pass\.test/);
  // Valid SPF and DKIM, both for nodmarc.test, under From: pass.test (p=reject): not aligned, refused.
  const signed = await pythonDkimSign(message('bob@pass.test', 'unaligned'), 'nodmarc.test', 'sel', keyFile);
  const unaligned = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'bob@nodmarc.test', signed);
  assert.equal(unaligned.code, 550);
  assert.match(unaligned.text, /^5\.7\.1 Email rejected per DMARC policy for pass\.test/);
  const verdict = s.log.ring.recent().filter((l) => l.msg === 'message verdict').pop();
  assert.ok(verdict);
  assert.equal(verdict.spf, 'pass');
  assert.deepEqual(verdict.dkim, ['pass:nodmarc.test']);
  assert.equal(verdict.dmarc, 'fail p=reject');
});

test('DKIM fail (a signed header changed on the way), SPF pass, DMARC none: dkim=fail is reported and scored', async (t) => {
  const s = await server(t);
  const signed = await pythonDkimSign(message('bob@nodmarc.test', 'original subject'), 'nodmarc.test', 'sel', keyFile);
  const r = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'bob@nodmarc.test', signed.replace('Subject: original subject', 'Subject: rewritten subject'));
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(inbox(s.dataDir));
  assert.ok(stored);
  const ar = authResults(stored);
  assert.match(ar, /dkim=fail \([^)]*\) header\.i=@nodmarc\.test header\.s=sel/);
  assert.match(ar, /spf=pass \([^)]*\) smtp\.mailfrom=bob@nodmarc\.test/);
  assert.match(ar, /dmarc=none header\.from=nodmarc\.test/);
  assert.match(headerOf(stored), /DKIM_INVALID=1\.5/);
  assert.doesNotMatch(headerOf(stored), /DKIM_VALID/);
});

test('DMARC p=reject failures can be filed into Junk instead (trust.dmarc.onReject = junk)', async (t) => {
  const s = await server(t, { trust: { trustedNetworks: [], dmarc: { onReject: 'junk' } } });
  const r = await send(s.ports.smtp!, OTHER, 'client.nospf.test', 'bob@pass.test', message('bob@pass.test', 'spoofed, junked'));
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(junk(s.dataDir));
  assert.ok(stored, 'in Junk');
  assert.match(authResults(stored), /spf=fail/);
  assert.match(authResults(stored), /dmarc=fail \(p=REJECT arc=none\)/);
  assert.match(headerOf(stored), /X-Spam-Flag: YES/);
  assert.match(headerOf(stored), /action=junk reason=dmarc-local-policy/);
  assert.equal((await readMessages(inbox(s.dataDir))).length, 0);
});

test('DMARC p=quarantine failure goes to Junk; DKIM none and SPF fail are reported', async (t) => {
  const s = await server(t);
  const r = await send(s.ports.smtp!, OTHER, 'client.nospf.test', 'carol@quarantine.test', message('carol@quarantine.test', 'quarantined'));
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(junk(s.dataDir));
  assert.ok(stored, 'in Junk');
  const ar = authResults(stored);
  assert.match(ar, /dkim=none/);
  assert.match(ar, /spf=fail \([^)]*\) smtp\.mailfrom=carol@quarantine\.test/);
  assert.match(ar, /dmarc=fail \(p=QUARANTINE arc=none\) header\.from=quarantine\.test/);
  assert.match(headerOf(stored), /DMARC_FAIL_QUARANTINE=4\.0/);
  assert.equal((await readMessages(inbox(s.dataDir))).length, 0);
});

test('SPF none, DKIM none, DMARC none: delivered to INBOX with those results', async (t) => {
  const s = await server(t);
  const r = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'dave@nospf.test', message('dave@nospf.test', 'nothing published'));
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(inbox(s.dataDir));
  assert.ok(stored);
  const ar = authResults(stored);
  assert.match(ar, /dkim=none/);
  assert.match(ar, /spf=none \([^)]*\) smtp\.mailfrom=dave@nospf\.test/);
  assert.match(ar, /dmarc=none header\.from=nospf\.test/);
  assert.match(headerOf(stored), /SPF_NONE=0\.5/);
});

test('DKIM neutral (body changed) with SPF pass, no DMARC record: the broken signature is reported and scored', async (t) => {
  const s = await server(t);
  const signed = await pythonDkimSign(message('bob@nodmarc.test', 'changed on the way'), 'nodmarc.test', 'sel', keyFile);
  const r = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'bob@pass.test', signed.replace('Thursday', 'Friday'));
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(inbox(s.dataDir));
  assert.ok(stored);
  const ar = authResults(stored);
  assert.match(ar, /dkim=neutral \(body hash did not verify\) header\.i=@nodmarc\.test/);
  assert.match(ar, /spf=pass/);
  assert.match(ar, /dmarc=none header\.from=nodmarc\.test/);
  assert.match(headerOf(stored), /DKIM_INVALID=1\.5/);
});

test('ARC: a forwarded message that fails DMARC passes when a trusted forwarder sealed it; fail and none too', async (t) => {
  const original = await pythonDkimSign(message('bob@pass.test', 'via a list'), 'pass.test', 'sel', keyFile);
  // The forwarder (a mailing list) changes the subject, which breaks the DKIM signature, and seals.
  const modified = original.replace('Subject: via a list', 'Subject: [list] via a list');
  const sealed = await arcSeal(modified, 'forwarder.test', 'arc', forwarderKey, 'mail.forwarder.test; dkim=pass header.i=@pass.test; spf=pass smtp.mailfrom=bob@pass.test; dmarc=pass header.from=pass.test');

  // Without trusting the forwarder: DMARC p=reject applies.
  const strict = await server(t);
  const refused = await send(strict.ports.smtp!, FORWARDER, 'mail.forwarder.test', 'list-bounces@forwarder.test', sealed);
  assert.equal(refused.code, 550);

  // Trusting it: accepted, ARC passes and is named in the breakdown.
  const trusting = await server(t, { trust: { trustedNetworks: [], arcTrustedSealers: ['forwarder.test'] } });
  const accepted = await send(trusting.ports.smtp!, FORWARDER, 'mail.forwarder.test', 'list-bounces@forwarder.test', sealed);
  assert.equal(accepted.code, 250, accepted.text);
  const [stored] = await readMessages(inbox(trusting.dataDir));
  assert.ok(stored, 'in INBOX');
  const ar = authResults(stored);
  assert.match(ar, /arc=pass/);
  assert.match(ar, /dmarc=fail/);
  assert.match(headerOf(stored), /ARC_TRUSTED=-1\.0/);
  assert.doesNotMatch(headerOf(stored), /DMARC_FAIL_REJECT/);

  // A chain broken after sealing: arc=fail.
  const broken = sealed.replace('via a list', 'via a list (edited)');
  const third = await send(trusting.ports.smtp!, FORWARDER, 'mail.forwarder.test', 'list-bounces@forwarder.test', broken.replace('From: Sender <bob@pass.test>', 'From: Sender <bob@nodmarc.test>'));
  assert.equal(third.code, 250, third.text);
  const all = await readMessages(inbox(trusting.dataDir));
  const failed = all.find((m) => m.includes('(edited)'));
  assert.ok(failed);
  assert.match(authResults(failed), /arc=fail/);
  assert.match(headerOf(failed), /ARC_FAIL=1\.0/);
});

test('forged verdicts are removed: our Authentication-Results and any X-Spam-*; others stay', async (t) => {
  const s = await server(t);
  const forged =
    'Authentication-Results: mail.example.test; dkim=pass header.i=@bank.test; dmarc=pass\r\n' +
    'Authentication-Results: mx.elsewhere.test; spf=pass smtp.mailfrom=x@elsewhere.test\r\n' +
    'X-Spam-Flag: NO\r\nX-Spam-Status: No, score=-100\r\n';
  const r = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'bob@pass.test', forged + message('bob@pass.test', 'forged verdicts'));
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(inbox(s.dataDir));
  assert.ok(stored);
  const header = headerOf(stored);
  assert.doesNotMatch(header, /bank\.test/);
  assert.doesNotMatch(header, /score=-100/);
  assert.doesNotMatch(header, /X-Spam-Flag: NO/);
  assert.match(header, /Authentication-Results: mx\.elsewhere\.test; spf=pass/);
  assert.equal(header.match(/^Authentication-Results: mail\.example\.test/gm)?.length, 1);
});

test('a 30 MB signed message from an untrusted client is verified in one pass and stored intact', async (t) => {
  const s = await server(t);
  const line = 'The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnopqrstuvwxyz\r\n';
  const body = line.repeat(Math.ceil((30 * 1024 * 1024) / line.length));
  const signed = await pythonDkimSign(message('bob@pass.test', 'big', body), 'pass.test', 'sel', keyFile);
  const r = await send(s.ports.smtp!, GOOD, 'mail.pass.test', 'bob@pass.test', signed);
  assert.equal(r.code, 250, r.text);
  const [stored] = await readMessages(inbox(s.dataDir));
  assert.ok(stored);
  assert.match(authResults(stored), /dkim=pass header\.i=@pass\.test/);
  assert.ok(stored.endsWith(signed), 'the message follows our fields byte for byte');
});
