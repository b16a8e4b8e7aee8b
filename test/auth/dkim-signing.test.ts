// DKIM signatures checked by an independent verifier (Debian's python3-dkim) that looks the keys
// up in a real DNS server (knot): submitted mail (RSA and Ed25519), a tampered copy (fails), a
// bounce to a remote sender, and a key rotation through the CLI that publishes the new selectors
// before it switches to them. DNS on 127.0.5.70; peers anywhere in 127.0.5.0/24.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader, type KnotServer } from '../support/knot.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { mailserver, run, ROOT } from '../support/processes.js';
import { peerAddress } from '../support/peer-address.js';
import { DkimKeyStore, dkimRecordName, dkimRecordValue, type DkimKey } from '../../src-mailserver/auth/dkim-keys.js';

const DNS = '127.0.5.70';
let MX = '';
let GONE = '';

/** TXT record data in zone-file syntax, split into strings of at most 255 octets. */
function txtData(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 200) parts.push(`"${value.slice(i, i + 200)}"`);
  return `( ${parts.join(' ')} )`;
}

function zones(keys: DkimKey[]): Record<string, string> {
  return {
    'example.test': zoneHeader('example.test', DNS) + keys.map((k) => `${dkimRecordName(k)}. TXT ${txtData(dkimRecordValue(k))}`).join('\n') + '\n',
    'remote.test': zoneHeader('remote.test', DNS) + `@ MX 10 mx.remote.test.\nmx A ${MX}\n`,
    'gone.test': zoneHeader('gone.test', DNS) + `@ MX 10 mx.gone.test.\nmx A ${GONE}\n`,
  };
}

interface Verdict {
  d: string;
  s: string;
  a: string;
  ok: boolean;
}

async function verify(knot: KnotServer, message: Buffer): Promise<Verdict[]> {
  const r = await run('/usr/bin/python3', [join(ROOT, 'test/support/dkim-verify.py'), knot.address, String(knot.port)], { input: message });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Verdict);
}

async function setup(t: TestContext): Promise<{ server: TestServer; knot: KnotServer; sink: SmtpSink; send: (subject: string, from?: string) => Promise<void> }> {
  MX = await peerAddress();
  GONE = await peerAddress();
  const sink = await startSmtpSink(t, { address: MX });
  const knot = await startKnot(t, DNS, zones([]));
  const server = await startTestServer(t, {
    listeners: ['submission'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: { dns: knot.server, queue: { retryBaseSeconds: 0.2, retryMaxSeconds: 0.5 } },
  });
  // The domain's keys exist once the server has added it: publish them.
  await knot.setZones(zones(new DkimKeyStore(server.service.db).published('example.test')));
  // The CLI reads the resolver from config.json.
  await writeFile(join(server.dataDir, 'config.json'), JSON.stringify({ dns: knot.server }));
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.ports.submission,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'alice@example.test', pass: 'alice-pw' },
  });
  t.after(() => transport.close());
  const send = async (subject: string, from = 'Alice <alice@example.test>') =>
    void (await transport.sendMail({ from, to: 'bob@remote.test', subject, text: `Signed text for ${subject}.\nSecond line.\n`, html: '<p>with an <b>HTML</b> part</p>' }));
  return { server, knot, sink, send };
}

test('python3-dkim verifies both signatures (RSA and Ed25519) of submitted mail; a changed body fails', async (t) => {
  const { knot, sink, send } = await setup(t);
  await send('verify me');
  const [msg] = await sink.waitForMessages(1);
  const verdicts = await verify(knot, msg!.data);
  assert.deepEqual(verdicts.map((v) => [v.d, v.a, v.ok]).sort(), [
    ['example.test', 'ed25519-sha256', true],
    ['example.test', 'rsa-sha256', true],
  ]);
  const tampered = Buffer.from(msg!.data.toString('latin1').replace('Second line.', 'Second line!'), 'latin1');
  assert.deepEqual((await verify(knot, tampered)).map((v) => v.ok), [false, false]);
});

test('a bounce to a remote sender is signed for the host name\'s domain and verifies', async (t) => {
  const { server, knot, sink } = await setup(t);
  // A forwarding alias whose target refuses: the report goes back to the remote sender.
  const refusing = await startSmtpSink(t, { address: GONE, onRcpt: () => ({ code: 550, text: '5.1.1 No such user' }) });
  server.service.directory.aliases.add('fwd@example.test', ['someone@gone.test']);
  const spoolPath = join(server.dataDir, 'probe.eml');
  await writeFile(spoolPath, 'Return-Path: <carol@remote.test>\r\nFrom: carol@remote.test\r\nTo: fwd@example.test\r\nSubject: please forward\r\nMessage-ID: <fw1@remote.test>\r\n\r\nhello\r\n');
  await server.service.queue.intake.enqueue({ spool: { path: spoolPath, size: 120, headerBytes: 0 }, sender: 'carol@remote.test', recipients: ['someone@gone.test'], reason: 'forward' });
  const [dsn] = await sink.waitForMessages(1);
  assert.equal(dsn!.from, '', 'reports go out with the null sender');
  assert.deepEqual(dsn!.to, ['carol@remote.test']);
  assert.match(dsn!.data.toString('latin1'), /Final-Recipient: rfc822; someone@gone\.test/);
  const verdicts = await verify(knot, dsn!.data);
  assert.equal(verdicts.length, 2);
  assert.ok(verdicts.every((v) => v.ok && v.d === 'example.test'));
  assert.ok(refusing);
});

test('`mailserver dkim rotate` publishes new selectors first, switches only once DNS serves them, and keeps the old ones until `retire`', async (t) => {
  const { server, knot, sink, send } = await setup(t);
  const store = new DkimKeyStore(server.service.db);
  const before = store.active('example.test').map((k) => k.selector).sort();

  const first = await mailserver(['dkim', 'rotate', 'example.test', '--data', server.dataDir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /publish these TXT records/);
  const pending = store.list('example.test').filter((k) => k.state === 'published');
  assert.equal(pending.length, 2);
  assert.deepEqual(store.active('example.test').map((k) => k.selector).sort(), before, 'still signing with the old keys');

  const early = await mailserver(['dkim', 'rotate', 'example.test', '--data', server.dataDir]);
  assert.equal(early.code, 1);
  assert.match(early.stdout, /not switching yet: DNS does not serve/);

  await send('during the rotation');
  const during = await sink.waitForMessageWith('during the rotation');
  const signedOld = (await verify(knot, during.data)).map((v) => v.s).sort();
  assert.deepEqual(signedOld, before);

  await knot.setZones(zones(store.published('example.test')));
  const switched = await mailserver(['dkim', 'rotate', 'example.test', '--data', server.dataDir]);
  assert.equal(switched.code, 0, switched.stdout + switched.stderr);
  assert.match(switched.stdout, /now signs with/);
  const after = store.active('example.test').map((k) => k.selector).sort();
  assert.deepEqual(after, pending.map((k) => k.selector).sort());

  await send('after the rotation');
  // Found by subject: under load a delivery can time out after the sink took it and arrive twice.
  const second = await sink.waitForMessageWith('after the rotation');
  const verdicts = await verify(knot, second.data);
  assert.deepEqual(verdicts.map((v) => v.s).sort(), after);
  assert.ok(verdicts.every((v) => v.ok));
  // The first message still verifies: the old selectors stay published until retired.
  assert.ok((await verify(knot, during.data)).every((v) => v.ok));
  const list = await mailserver(['dkim', 'list', 'example.test', '--data', server.dataDir]);
  assert.match(list.stdout, /published, no longer signing/);

  const retire = await mailserver(['dkim', 'retire', 'example.test', '--data', server.dataDir]);
  assert.equal(retire.code, 0);
  assert.deepEqual(store.published('example.test').map((k) => k.selector).sort(), after);
});
