// The outgrow path: Dovecot, pointed at a copy of our Maildir and given our password hashes,
// logs the user in and serves what we delivered — the message bytes, the special folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import { startTestServer } from '../support/test-server.js';
import { startDovecot } from '../support/dovecot.js';
import { makeTempDir } from '../support/temp-dir.js';
import { readMessages } from '../support/maildir-reader.js';
import { run } from '../support/processes.js';

test('Dovecot serves the Maildir we wrote, with our password hash', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'alice pw' } });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
  for (let i = 1; i <= 3; i++) {
    await transport.sendMail({ from: 'b@remote.test', to: 'alice@example.test', subject: `m${i}`, text: `body ${i} ü`, messageId: `<m${i}@remote.test>` });
  }
  const ours = await readMessages(join(server.dataDir, 'mail/example.test/alice'));
  const hash = server.service.directory.accounts.get('alice@example.test')!.passwordHash;
  const work = await makeTempDir('dovecot-');
  t.after(() => work.remove());
  const dovecot = await startDovecot(t, work.path, join(server.dataDir, 'mail'), { 'alice@example.test': hash });
  const script = `
import imaplib, sys, json
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("alice@example.test", "alice pw")
typ, boxes = m.list()
typ, data = m.select("INBOX")
count = int(data[0])
bodies = []
for i in range(1, count + 1):
    typ, msg = m.fetch(str(i), "(BODY.PEEK[])")
    bodies.append(msg[0][1].decode("latin-1"))
bad = None
try:
    m2 = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
    m2.login("alice@example.test", "wrong")
except imaplib.IMAP4.error as e:
    bad = str(e)
print(json.dumps({"boxes": [b.decode() for b in boxes], "count": count, "bodies": bodies, "bad": bad}))
m.logout()
`;
  const r = await run('python3', ['-c', script, String(dovecot.port)]);
  assert.equal(r.code, 0, r.stderr + (await readFile(join(work.path, 'dovecot.log'), 'utf8').catch(() => '')));
  const result = JSON.parse(r.stdout) as { boxes: string[]; count: number; bodies: string[]; bad: string | null };
  assert.equal(result.count, 3);
  assert.deepEqual(result.bodies.map((b) => b.replace(/\r?\n/g, '\r\n')).sort(), [...ours].sort());
  for (const folder of ['Sent', 'Drafts', 'Junk', 'Trash', 'Archive']) assert.ok(result.boxes.some((b) => b.endsWith(`"${folder}"`) || b.endsWith(` ${folder}`)), `${folder} in ${result.boxes}`);
  assert.match(result.bad ?? '', /AUTHENTICATIONFAILED|failed/i);
});
