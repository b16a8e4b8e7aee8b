// kill -9 of the real `mailserver serve` process: mail acknowledged with a 250 is never lost, and a
// recipient whose delivery was recorded is never delivered again; a queue row lost as by a power
// cut comes back from its envelope file. Peers: knot (127.0.5.80), smtp-server sinks (anywhere in 127.0.5.0/24).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader, type KnotServer } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { makeTempDir } from '../support/temp-dir.js';
import { mailserver, serveArgs, spawnServer, type ServerProcess } from '../support/processes.js';
import { peerAddress } from '../support/peer-address.js';
import { until } from '../support/until.js';

const DNS = '127.0.5.80';

async function prepare(t: TestContext): Promise<{ dataDir: string; knot: KnotServer; FAST: string; SLOW: string }> {
  const FAST = await peerAddress();
  const SLOW = await peerAddress();
  const temp = await makeTempDir();
  t.after(() => temp.remove());
  const knot = await startKnot(t, DNS, {
    'fast.test': zoneHeader('fast.test', DNS) + `@ MX 10 mx.fast.test.\nmx A ${FAST}\n`,
    'slow.test': zoneHeader('slow.test', DNS) + `@ MX 10 mx.slow.test.\nmx A ${SLOW}\n`,
  });
  assert.equal((await mailserver(['domain', 'add', 'example.test', '--data', temp.path])).code, 0);
  const added = await mailserver(['account', 'add', 'alice@example.test', '--password-stdin', '--data', temp.path], { input: 'alice-pw\n' });
  assert.equal(added.code, 0, added.stderr);
  await writeFile(join(temp.path, 'config.json'), JSON.stringify({ queue: { retryBaseSeconds: 0.3, retryMaxSeconds: 0.5 } }));
  return { dataDir: temp.path, knot, FAST, SLOW };
}

function start(t: TestContext, dataDir: string, knot: KnotServer): Promise<ServerProcess> {
  return spawnServer(t, serveArgs(dataDir, ['submission', 'smtp'], ['--dns', knot.server]));
}

async function submit(port: number, to: string[], subject: string): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'alice@example.test', pass: 'alice-pw' } });
  try {
    const info = await transport.sendMail({ from: 'alice@example.test', to, subject, text: 'x' });
    return info.response;
  } finally {
    transport.close();
  }
}

function recipientStatus(dataDir: string): Record<string, string> {
  const db = new Database(join(dataDir, 'mailserver.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT address, status FROM queue_recipients').all() as { address: string; status: string }[];
    return Object.fromEntries(rows.map((r) => [r.address, r.status]));
  } finally {
    db.close();
  }
}

test('kill -9 mid-delivery: the recipient already delivered is not delivered again; the other one is after the restart', async (t) => {
  const { dataDir, knot, FAST, SLOW } = await prepare(t);
  const fast = await startSmtpSink(t, { address: FAST });
  let dataStarted = false;
  const hung = await startSmtpSink(t, {
    address: SLOW,
    beforeDataReply: () => {
      dataStarted = true;
      return new Promise<void>(() => undefined); // never answers DATA: the server dies first
    },
  });
  const first = await start(t, dataDir, knot);
  assert.match(await submit(first.ports.submission!, ['x@fast.test', 'y@slow.test'], 'crash me'), /^250 /);
  await fast.waitForMessages(1);
  await until('the slow peer to be mid-DATA', () => dataStarted);
  await until('the fast delivery to be recorded', () => recipientStatus(dataDir)['x@fast.test'] === 'sent');
  const killed = await first.kill('SIGKILL');
  assert.equal(killed.signal, 'SIGKILL');
  await hung.stop();

  const slow = await startSmtpSink(t, { address: SLOW });
  await start(t, dataDir, knot);
  await slow.waitForMessages(1);
  assert.deepEqual(slow.messages[0]!.to, ['y@slow.test']);
  await until('the queue to empty', () => Object.keys(recipientStatus(dataDir)).length === 0);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(fast.messages.length, 1, 'x@fast.test got exactly one copy');
  assert.equal(slow.messages.length, 1);
});

test('kill -9 right after the 250 (submission and port 25 forwarding): nothing is lost', async (t) => {
  const { dataDir, knot, SLOW } = await prepare(t);
  const first = await start(t, dataDir, knot);
  // Forwarding alias for the port-25 path.
  assert.equal((await mailserver(['alias', 'add', 'fwd@example.test', 'z@slow.test', '--data', dataDir])).code, 0);
  assert.match(await submit(first.ports.submission!, ['y@slow.test'], 'submitted'), /^250 /);
  const inbound = nodemailer.createTransport({ host: '127.0.0.1', port: first.ports.smtp, ignoreTLS: true });
  const info = await inbound.sendMail({ envelope: { from: 'carol@remote.test', to: ['fwd@example.test'] }, from: 'carol@remote.test', to: 'fwd@example.test', subject: 'forwarded', text: 'y' });
  inbound.close();
  assert.match(info.response, /^250 /);
  await first.kill('SIGKILL');

  const slow = await startSmtpSink(t, { address: SLOW });
  await start(t, dataDir, knot);
  const got = await slow.waitForMessages(2);
  assert.deepEqual(got.map((m) => m.to[0]).sort(), ['y@slow.test', 'z@slow.test']);
  await until('the queue to empty', () => Object.keys(recipientStatus(dataDir)).length === 0);
});

test('a queue row lost as by a power cut is rebuilt from its envelope file', async (t) => {
  const { dataDir, knot, SLOW } = await prepare(t);
  const first = await start(t, dataDir, knot);
  assert.match(await submit(first.ports.submission!, ['y@slow.test'], 'power cut'), /^250 /);
  await first.kill('SIGKILL');
  const db = new Database(join(dataDir, 'mailserver.db'));
  assert.equal(db.prepare('DELETE FROM queue_messages').run().changes, 1);
  db.close();
  const slow = await startSmtpSink(t, { address: SLOW });
  const second = await start(t, dataDir, knot);
  const [msg] = await slow.waitForMessages(1);
  assert.deepEqual(msg!.to, ['y@slow.test']);
  assert.match(msg!.data.toString('latin1'), /^DKIM-Signature:/m, 'the rebuilt entry keeps its signature');
  await second.kill('SIGTERM');
});
