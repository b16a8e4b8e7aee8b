// Crash safety of inbound mail that goes through the trust checks (untrusted clients, so every
// message is staged, verified and committed behind Authentication-Results and X-Spam-* fields):
// kill -9 the real server while 10 clients send messages of up to 600 KB (past the in-memory
// staging limit, so scratch files are in use), restart, and every message that got a 250 is
// stored exactly once with our fields; no scratch file survives the restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { mailserver, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { readMessages } from '../support/maildir-reader.js';

test('kill -9 while untrusted clients send checked mail loses nothing that was acknowledged', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  assert.equal((await mailserver(['domain', 'add', 'example.test', '--data', dir.path])).code, 0);
  assert.equal((await mailserver(['account', 'add', 'alice@example.test', '--password-stdin', '--data', dir.path], { input: 'pw' })).code, 0);
  // No DNS server answers at 127.0.8.9:9: the checks run, find nothing, and must still be safe.
  await writeFile(
    join(dir.path, 'config.json'),
    JSON.stringify({ dns: '127.0.8.9:9', trust: { trustedNetworks: [] }, spam: { dnsbls: [], uriBlocklists: [], lookupTimeoutMs: 300 }, abuse: { messagesPerMinutePerIp: 0, recipientsPerMinutePerIp: 0, connectionsPerMinutePerIp: 0 } }),
  );
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp']));
  const port = server.ports.smtp!;

  const acked = new Set<string>();
  let stop = false;
  const sender = async (n: number) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, localAddress: `127.0.8.${60 + n}`, connectionTimeout: 10_000, socketTimeout: 30_000 });
    for (let i = 0; !stop && i < 300; i++) {
      const id = `<c${n}-m${i}@crash.test>`;
      const size = i % 4 === 0 ? 600_000 : 2_000;
      try {
        const info = await transport.sendMail({ from: `c${n}@remote.test`, to: 'alice@example.test', subject: id, text: `line of client ${n}\n`.repeat(size / 20), messageId: id });
        if (/^250 /.test(info.response)) acked.add(id);
      } catch {
        // The kill (or a slow moment under load): try the next message unless told to stop.
        if (stop) return;
      }
    }
  };
  const senders = Array.from({ length: 10 }, (_, n) => sender(n));
  // Bounded: 40 acknowledged messages, or 60 s on a very slow machine.
  for (let i = 0; i < 2400 && acked.size < 40; i++) await new Promise((r) => setTimeout(r, 25));
  server.child.kill('SIGKILL');
  await server.exited;
  stop = true;
  await Promise.all(senders);
  assert.ok(acked.size >= 10, `only ${acked.size} messages were acknowledged before the kill`);
  t.diagnostic(`${acked.size} checked messages acknowledged before kill -9`);

  const restarted = await spawnServer(t, serveArgs(dir.path, ['smtp']));
  const messages = await readMessages(join(dir.path, 'mail/example.test/alice'));
  for (const id of acked) {
    const copies = messages.filter((m) => m.includes(`Message-ID: ${id}`));
    assert.equal(copies.length, 1, `${id} stored ${copies.length} times`);
    assert.match(copies[0]!, /^Return-Path: <c\d+@remote\.test>\r\nAuthentication-Results: mail\.example\.test;/);
    assert.match(copies[0]!, /\r\nX-Spam-Status: /);
  }
  assert.deepEqual(await readdir(join(dir.path, 'queue/incoming')), [], 'no scratch or spool file left');
  assert.equal((await restarted.kill('SIGTERM')).code, 0);
});
