// MTA-STS (RFC 8461) for outbound delivery, against a real HTTPS policy host and real peers whose
// certificates come from a test CA the server is told to trust: enforce delivers only over TLS
// with a certificate valid for an MX the policy names; testing and no policy fall back to
// opportunistic TLS; a cached policy outlives its TXT record. DNS on 127.0.5.50; peers anywhere in 127.0.5.0/24.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader, type KnotServer } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';
import { peerAddress } from '../support/peer-address.js';

const DNS = '127.0.5.50';
let POLICY_HOST = '';
let MX = '';

let ca: TestCa;

function stsZone(txtId: string | null): Record<string, string> {
  return {
    'sts.test':
      zoneHeader('sts.test', DNS) +
      '@ MX 10 mx.sts.test.\nmx A ' + MX + '\nmta-sts A ' + POLICY_HOST + '\n' +
      (txtId ? `_mta-sts TXT "v=STSv1; id=${txtId}"\n` : ''),
  };
}

async function policyServer(t: TestContext, policy: () => string): Promise<{ requests: number; close(): Promise<void> }> {
  const pair = await ca.issue(['mta-sts.sts.test']);
  let closed = false;
  const state = {
    requests: 0,
    close: () =>
      new Promise<void>((r) => {
        if (closed) return r();
        closed = true;
        https.closeAllConnections();
        https.close(() => r());
      }),
  };
  const https = createServer({ key: pair.key, cert: pair.cert }, (req, res) => {
    state.requests++;
    if (req.url !== '/.well-known/mta-sts.txt') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(policy());
  });
  await new Promise<void>((r) => https.listen(443, POLICY_HOST, () => r()));
  t.after(() => state.close());
  return state;
}

async function setup(t: TestContext, knot: KnotServer): Promise<{ server: TestServer; send: (subject: string) => Promise<void> }> {
  const server = await startTestServer(t, {
    listeners: ['submission'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: { dns: knot.server, queue: { retryBaseSeconds: 0.3, retryMaxSeconds: 0.5 }, outbound: { connectTimeoutSeconds: 2, greetingTimeoutSeconds: 2 } },
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
  return { server, send: async (subject) => void (await transport.sendMail({ from: 'alice@example.test', to: 'bob@sts.test', subject, text: 'x' })) };
}

async function firstAttempt(server: TestServer): Promise<{ status: string; lastReply: string | null; statusCode: string | null }> {
  for (let i = 0; i < 2400; i++) {
    const r = server.service.queue.operations.list()[0]?.recipients[0];
    if (r && (r.attempts >= 1 || r.status !== 'queued')) return r;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('no attempt');
}

const policy = (mode: string, mx = 'mx.sts.test') => `version: STSv1\nmode: ${mode}\nmx: ${mx}\nmax_age: 86400\n`;

test.before(async () => {
  ca = await makeTestCa('MTA-STS test CA');
});

/** Fresh peer addresses for each test, picked right before they are bound. */
async function freshPeers(): Promise<void> {
  POLICY_HOST = await peerAddress('127.0.5', [443]);
  MX = await peerAddress();
}
test.after(() => ca.remove());

test('enforce: delivered over TLS to the MX the policy names, with a certificate valid for it; the policy is cached', async (t) => {
  await freshPeers();
  const knot = await startKnot(t, DNS, stsZone('20261122'));
  const web = await policyServer(t, () => policy('enforce'));
  const sink = await startSmtpSink(t, { address: MX, tls: await ca.issue(['mx.sts.test']) });
  const { server, send } = await setup(t, knot);
  await send('enforced');
  const [msg] = await sink.waitForMessages(1);
  assert.equal(msg!.secure, true);
  assert.equal(web.requests, 1);
  const row = server.service.db.prepare('SELECT policy_id, mode, mx FROM mta_sts_policies WHERE domain = ?').get('sts.test');
  assert.deepEqual(row, { policy_id: '20261122', mode: 'enforce', mx: '["mx.sts.test"]' });
});

test('enforce: a certificate that does not name the MX host stops delivery (deferred), where opportunistic TLS would have sent', async (t) => {
  await freshPeers();
  const knot = await startKnot(t, DNS, stsZone('1'));
  await policyServer(t, () => policy('enforce'));
  const sink = await startSmtpSink(t, { address: MX, tls: await ca.issue(['wrong.name.test']) });
  const { server, send } = await setup(t, knot);
  await send('wrong certificate');
  const r = await firstAttempt(server);
  assert.equal(r.status, 'queued');
  assert.equal(r.statusCode, '4.7.5');
  assert.match(r.lastReply!, /TLS|certificate|altnames/i);
  assert.equal(sink.messages.length, 0);
});

test('enforce: an MX that offers no STARTTLS gets nothing', async (t) => {
  await freshPeers();
  const knot = await startKnot(t, DNS, stsZone('2'));
  await policyServer(t, () => policy('enforce'));
  const sink = await startSmtpSink(t, { address: MX });
  const { server, send } = await setup(t, knot);
  await send('no starttls');
  const r = await firstAttempt(server);
  assert.equal(r.status, 'queued');
  assert.equal(sink.messages.length, 0);
});

test('enforce: an MX the policy does not list is not used', async (t) => {
  await freshPeers();
  const knot = await startKnot(t, DNS, stsZone('3'));
  await policyServer(t, () => policy('enforce', '*.elsewhere.test'));
  const sink = await startSmtpSink(t, { address: MX, tls: await ca.issue(['mx.sts.test']) });
  const { server, send } = await setup(t, knot);
  await send('mx not allowed');
  const r = await firstAttempt(server);
  assert.equal(r.status, 'queued');
  assert.match(r.lastReply!, /allows none of its MX hosts/);
  assert.equal(sink.messages.length, 0);
});

test('testing mode delivers despite a bad certificate (opportunistic TLS)', async (t) => {
  await freshPeers();
  const knot = await startKnot(t, DNS, stsZone('4'));
  await policyServer(t, () => policy('testing'));
  const sink = await startSmtpSink(t, { address: MX, tls: await ca.issue(['wrong.name.test']) });
  const { send } = await setup(t, knot);
  await send('testing');
  const [msg] = await sink.waitForMessages(1);
  assert.equal(msg!.secure, true);
});

test('a cached enforce policy still applies when the TXT record and the policy host are gone', async (t) => {
  await freshPeers();
  const knot = await startKnot(t, DNS, stsZone('5'));
  const sink = await startSmtpSink(t, { address: MX, tls: await ca.issue(['wrong.name.test']) });
  const { server, send } = await setup(t, knot);
  // Fetch the policy once (as an earlier delivery would have), then take away both its TXT
  // record and its web server, as an attacker on the path could make them look.
  const web = await policyServer(t, () => policy('enforce'));
  const { MtaStsPolicies } = await import('../../src-mailserver/queue/mta-sts.js');
  const { silentLogger } = await import('../../src-mailserver/log/logger.js');
  const earlier = new MtaStsPolicies(server.service.db, server.service.resolver, silentLogger(), { ca: [ca.cert] });
  assert.equal((await earlier.policyFor('sts.test'))?.mode, 'enforce');
  await web.close();
  await knot.setZones(stsZone(null));
  await send('downgrade attempt');
  const r = await firstAttempt(server);
  assert.equal(r.status, 'queued', 'not sent to an MX with a bad certificate');
  assert.equal(sink.messages.length, 0);
});

test('policy mx patterns: exact names, and "*." matching exactly one label (RFC 8461 §4.1)', async () => {
  const { mxAllowed } = await import('../../src-mailserver/queue/mta-sts.js');
  const policy = { id: '1', mode: 'enforce' as const, mx: ['mx1.example.test', '*.mail.example.test'], maxAge: 1, expiresAt: 0 };
  assert.equal(mxAllowed(policy, 'mx1.example.test'), true);
  assert.equal(mxAllowed(policy, 'MX1.example.test.'), true);
  assert.equal(mxAllowed(policy, 'a.mail.example.test'), true);
  assert.equal(mxAllowed(policy, 'a.b.mail.example.test'), false);
  assert.equal(mxAllowed(policy, 'mail.example.test'), false);
  assert.equal(mxAllowed(policy, 'mx2.example.test'), false);
});
