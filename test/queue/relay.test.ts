// The smarthost: all mail, or only chosen domains, through a relay that requires AUTH, over
// STARTTLS with a verified certificate or implicit TLS; the password lives in the 0600 secret
// file (never in SQLite or config.json); a wrong password defers instead of bouncing; `mailserver
// relay set` applies to a running server. DNS on 127.0.5.60; peers anywhere in 127.0.5.0/24.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';
import { mailserver } from '../support/processes.js';
import { peerAddress } from '../support/peer-address.js';
import { FileSecretStore } from '../../src-mailserver/secrets/file-secret-store.js';

const DNS = '127.0.5.60';
let RELAY = '';
let DIRECT_MX = '';
let FAR = '';
const PASSWORD = 'relay-secret-Xy7!';

let ca: TestCa;
test.before(async () => {
  ca = await makeTestCa('relay test CA');
});

/** Fresh peer addresses for each test, picked right before they are bound. */
async function freshPeers(): Promise<void> {
  RELAY = await peerAddress('127.0.5', [587, 465]);
  DIRECT_MX = await peerAddress();
  FAR = await peerAddress();
}
test.after(() => ca.remove());

const zones = (): Record<string, string> => ({
  'isp.test': zoneHeader('isp.test', DNS) + `smtp A ${RELAY}\n`,
  'direct.test': zoneHeader('direct.test', DNS) + `@ MX 10 mx.direct.test.\nmx A ${DIRECT_MX}\n`,
  'far.test': zoneHeader('far.test', DNS) + `@ MX 10 mx.far.test.\nmx A ${FAR}\n`,
});

async function setup(t: TestContext): Promise<{ server: TestServer; send: (to: string[]) => Promise<void> }> {
  const knot = await startKnot(t, DNS, zones());
  const server = await startTestServer(t, {
    listeners: ['submission'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: { dns: knot.server, queue: { retryBaseSeconds: 0.3, retryMaxSeconds: 0.5 }, outbound: { connectTimeoutSeconds: 2, greetingTimeoutSeconds: 3 } },
    service: { trustedCa: [ca.cert] },
  });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.ports.submission,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'alice@example.test', pass: 'alice-pw' },
  });
  t.after(() => transport.close());
  return { server, send: async (to) => void (await transport.sendMail({ from: 'alice@example.test', to, subject: 'via relay', text: 'x' })) };
}

test('all mail through a relay that requires AUTH over verified STARTTLS; the password is only in the 0600 secret file', async (t) => {
  await freshPeers();
  const relay = await startSmtpSink(t, { address: RELAY, port: 587, tls: await ca.issue(['smtp.isp.test']), auth: { user: 'alice-isp', pass: PASSWORD } });
  const { server, send } = await setup(t);
  await server.service.queue.relay.set(
    { host: 'smtp.isp.test', port: 587, tls: 'starttls', username: 'alice-isp', scope: 'all', domains: [], verifyCertificate: true },
    PASSWORD,
  );
  await send(['bob@far.test']);
  const [msg] = await relay.waitForMessages(1);
  assert.equal(msg!.user, 'alice-isp');
  assert.equal(msg!.secure, true);
  assert.deepEqual(msg!.to, ['bob@far.test']);
  assert.match(msg!.data.toString('latin1'), /^DKIM-Signature: /m, 'signed before it leaves');
  const secretFile = join(server.dataDir, 'secrets.json');
  assert.equal((await stat(secretFile)).mode & 0o777, 0o600);
  assert.equal(await new FileSecretStore(server.dataDir).get('relay.password'), PASSWORD);
  const config = await readFile(join(server.dataDir, 'config.json'), 'utf8');
  assert.match(config, /"host": "smtp\.isp\.test"/);
  assert.ok(!config.includes(PASSWORD));
  server.service.db.pragma('wal_checkpoint(TRUNCATE)');
  for (const file of ['mailserver.db', 'mailserver.db-wal']) {
    const bytes = await readFile(join(server.dataDir, file)).catch(() => Buffer.alloc(0));
    assert.ok(!bytes.includes(Buffer.from(PASSWORD)), `${file} holds no password`);
  }
});

test('a refused login at the relay defers (4.7.0) instead of bouncing', async (t) => {
  await freshPeers();
  const relay = await startSmtpSink(t, { address: RELAY, port: 587, tls: await ca.issue(['smtp.isp.test']), auth: { user: 'alice-isp', pass: PASSWORD } });
  const { server, send } = await setup(t);
  await server.service.queue.relay.set(
    { host: 'smtp.isp.test', port: 587, tls: 'starttls', username: 'alice-isp', scope: 'all', domains: [], verifyCertificate: true },
    'wrong password',
  );
  await send(['bob@far.test']);
  let r;
  for (let i = 0; i < 2400 && !(r = server.service.queue.operations.list()[0]?.recipients.find((x) => x.attempts > 0)); i++) await new Promise((res) => setTimeout(res, 25));
  assert.ok(r);
  assert.equal(r.status, 'queued');
  assert.equal(r.statusCode, '4.7.0');
  assert.match(r.lastReply!, /^535 /);
  assert.ok(relay.authFailures >= 1);
  // Fix the password: the next retry goes through.
  await server.service.secrets.set('relay.password', PASSWORD);
  await relay.waitForMessages(1);
});

test('relay for chosen domains only, over implicit TLS; other mail goes to its MX', async (t) => {
  await freshPeers();
  const relay = await startSmtpSink(t, { address: RELAY, port: 465, secure: true, tls: await ca.issue(['smtp.isp.test']), auth: { user: 'u', pass: PASSWORD } });
  const direct = await startSmtpSink(t, { address: DIRECT_MX });
  const { server, send } = await setup(t);
  await server.service.queue.relay.set({ host: 'smtp.isp.test', port: 465, tls: 'tls', username: 'u', scope: 'domains', domains: ['far.test'], verifyCertificate: true }, PASSWORD);
  await send(['one@far.test', 'two@direct.test']);
  assert.deepEqual((await relay.waitForMessages(1))[0]!.to, ['one@far.test']);
  assert.deepEqual((await direct.waitForMessages(1))[0]!.to, ['two@direct.test']);
});

test('`mailserver relay set` (password on stdin) applies to the running server; `relay show` never prints the password', async (t) => {
  await freshPeers();
  const relay = await startSmtpSink(t, { address: RELAY, port: 587, tls: await ca.issue(['smtp.isp.test']), auth: { user: 'cli-user', pass: PASSWORD } });
  const { server, send } = await setup(t);
  const set = await mailserver(['relay', 'set', '--data', server.dataDir, '--host', 'smtp.isp.test', '--port', '587', '--user', 'cli-user', '--password-stdin'], { input: PASSWORD + '\n' });
  assert.equal(set.code, 0, set.stderr);
  const show = await mailserver(['relay', 'show', '--data', server.dataDir]);
  assert.match(show.stdout, /relay smtp\.isp\.test:587 \(starttls, certificate verified\)/);
  assert.match(show.stdout, /login cli-user, password stored/);
  assert.ok(!show.stdout.includes(PASSWORD));
  await new Promise((r) => setTimeout(r, 1100));
  await send(['someone@far.test']);
  assert.equal((await relay.waitForMessages(1))[0]!.user, 'cli-user');
  const off = await mailserver(['relay', 'off', '--data', server.dataDir]);
  assert.equal(off.code, 0);
  assert.equal(await new FileSecretStore(server.dataDir).get('relay.password'), null, 'removing the relay removes its password');
  const bad = await mailserver(['relay', 'set', '--data', server.dataDir, '--host', 'x.test', '--tls', 'maybe']);
  assert.equal(bad.code, 2);
});
