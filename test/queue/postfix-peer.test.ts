// Postfix (a private instance of Debian's package) as the peer MTA receiving our outbound mail:
// delivered over STARTTLS with the DKIM signatures intact, and a user Postfix does not know
// bounced with Postfix's own 550 5.1.1 into the sender's INBOX (read over IMAP). DNS on 127.0.5.90; Postfix anywhere in 127.0.5.0/24.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startPostfix } from '../support/postfix.js';
import { startTestServer } from '../support/test-server.js';
import { makeTestCa } from '../support/test-ca.js';
import { readMessages } from '../support/maildir-reader.js';
import { readOverImap } from '../support/imap-reader.js';
import { peerAddress } from '../support/peer-address.js';

test('Postfix receives our mail over STARTTLS; a user it does not know comes back as a bounce', async (t) => {
  const ca = await makeTestCa('postfix peer CA');
  t.after(() => ca.remove());
  const mx = await peerAddress();
  const postfix = await startPostfix(t, {
    address: mx,
    hostname: 'mx.pf.test',
    domain: 'pf.test',
    users: ['bob'],
    tls: await ca.issue(['mx.pf.test']),
  });
  const knot = await startKnot(t, '127.0.5.90', { 'pf.test': zoneHeader('pf.test', '127.0.5.90') + `@ MX 10 mx.pf.test.\nmx A ${mx}\n` });
  const server = await startTestServer(t, {
    listeners: ['submission', 'imap'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: { dns: knot.server, queue: { retryBaseSeconds: 0.3, retryMaxSeconds: 0.5 } },
  });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.ports.submission,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'alice@example.test', pass: 'alice-pw' },
  });
  t.after(() => transport.close());
  await transport.sendMail({ from: 'Alice <alice@example.test>', to: ['bob@pf.test', 'ghost@pf.test'], subject: 'to postfix', text: 'Hello Postfix\n' });

  const [received] = await postfix.waitForMessages(1);
  assert.match(received!, /^Return-Path: <alice@example\.test>/);
  assert.match(received!, /Received: from mail\.example\.test \(localhost \[127\.0\.0\.1\]\)\r?\n\tby mx\.pf\.test \(Postfix\) with ESMTPS id/);
  assert.equal(received!.match(/^DKIM-Signature:/gm)?.length, 2);
  assert.match(received!, /Hello Postfix/);
  assert.match(await postfix.log(), /TLS connection established from localhost\[127\.0\.0\.1\]/);

  const inbox = join(server.dataDir, 'mail/example.test/alice');
  let bounce: string | undefined;
  for (let i = 0; i < 1200 && !bounce; i++) {
    bounce = (await readMessages(inbox)).find((m) => /multipart\/report/.test(m));
    if (!bounce) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(bounce, 'bounce in the INBOX');
  // And as the user's mail client sees it.
  bounce = (await readOverImap(server.ports.imap!, 'alice@example.test', 'alice-pw')).find((m) => /multipart\/report/.test(m));
  assert.ok(bounce, 'bounce read over IMAP');
  assert.match(bounce!, /Final-Recipient: rfc822; ghost@pf\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\nRemote-MTA: dns; mx\.pf\.test\r\nDiagnostic-Code: smtp; 550 5\.1\.1 <ghost@pf\.test>: Recipient address rejected:/);
});
