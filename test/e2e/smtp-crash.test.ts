// Crash safety of inbound mail: kill -9 the real server while 20 clients send, restart it, and
// every message that got a 250 is in its Maildir exactly once and indexed; the restarted server
// accepts mail again with fresh UIDs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { mailserver, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { readMessages } from '../support/maildir-reader.js';

test('kill -9 during 20 concurrent senders loses nothing that was acknowledged', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  assert.equal((await mailserver(['domain', 'add', 'example.test', '--data', dir.path])).code, 0);
  assert.equal((await mailserver(['account', 'add', 'alice@example.test', '--password-stdin', '--data', dir.path], { input: 'pw' })).code, 0);
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp']));
  const port = server.ports.smtp!;

  const acked = new Set<string>();
  let stop = false;
  const sender = async (n: number) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, connectionTimeout: 2000, socketTimeout: 4000 });
    for (let i = 0; !stop && i < 500; i++) {
      const id = `<s${n}-m${i}@crash.test>`;
      try {
        const info = await transport.sendMail({ from: `s${n}@remote.test`, to: 'alice@example.test', subject: id, text: `sender ${n} message ${i}\n`.repeat(20), messageId: id });
        if (/^250 /.test(info.response)) acked.add(id);
      } catch {
        return; // the server died under us
      }
    }
  };
  const senders = Array.from({ length: 20 }, (_, n) => sender(n));
  // Let them get going, then pull the plug in the middle of the traffic.
  for (let i = 0; i < 200 && acked.size < 60; i++) await new Promise((r) => setTimeout(r, 25));
  server.child.kill('SIGKILL');
  await server.exited;
  stop = true;
  await Promise.all(senders);
  assert.ok(acked.size >= 20, `only ${acked.size} messages were acknowledged before the kill`);
  t.diagnostic(`${acked.size} messages acknowledged before kill -9`);

  const restarted = await spawnServer(t, serveArgs(dir.path, ['smtp']));
  assert.ok(restarted.lines.some((l) => l.includes('recovered after an unclean stop')));
  const inbox = join(dir.path, 'mail/example.test/alice');
  const messages = await readMessages(inbox);
  for (const id of acked) {
    const copies = messages.filter((m) => m.includes(`Message-ID: ${id}`)).length;
    assert.equal(copies, 1, `${id} stored ${copies} times`);
  }
  // Every file is indexed, once.
  const db = new Database(join(dir.path, 'mailserver.db'), { readonly: true });
  const rows = db.prepare("SELECT m.uid, m.filename FROM messages m JOIN mailboxes x ON x.id = m.mailbox_id WHERE x.name = 'INBOX'").all() as { uid: number; filename: string }[];
  db.close();
  assert.equal(rows.length, messages.length);
  assert.equal(new Set(rows.map((r) => r.filename)).size, rows.length);
  const maxUid = Math.max(...rows.map((r) => r.uid));

  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: restarted.ports.smtp!, ignoreTLS: true });
  await transport.sendMail({ from: 'after@remote.test', to: 'alice@example.test', subject: 'after restart', text: 'x', messageId: '<after@crash.test>' });
  const db2 = new Database(join(dir.path, 'mailserver.db'), { readonly: true });
  const after = db2.prepare("SELECT max(m.uid) AS uid FROM messages m JOIN mailboxes x ON x.id = m.mailbox_id WHERE x.name = 'INBOX'").get() as { uid: number };
  db2.close();
  assert.ok(after.uid > maxUid, 'UIDs keep increasing after recovery');
  const stopped = await restarted.kill('SIGTERM');
  assert.equal(stopped.code, 0);
});
