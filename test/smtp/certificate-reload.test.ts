// A new certificate (ACME renewal, a user's PEM pair) reaches SMTP listeners without a restart,
// also for clients that send no SNI (Postfix by default): STARTTLS on 25 and implicit TLS on
// 465 present the new certificate to new connections while an open session keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import selfsigned from 'selfsigned';
import { startTestServer } from '../support/test-server.js';
import { SmtpDialog } from '../support/smtp-dialog.js';

/** Fingerprint of the certificate an implicit-TLS port presents to a client sending no SNI. */
async function implicitTlsFingerprint(port: number): Promise<string> {
  const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const fp = socket.getPeerX509Certificate()!.fingerprint256;
  socket.destroy();
  return fp;
}

async function starttlsFingerprint(port: number): Promise<{ fp: string; dialog: SmtpDialog }> {
  const { dialog } = await SmtpDialog.open(port);
  await dialog.command('EHLO client.test');
  await dialog.starttls();
  return { fp: (dialog.socket as TLSSocket).getPeerX509Certificate()!.fingerprint256, dialog };
}

test('a certificate change applies to new SMTP connections without SNI; open ones stay up', async (t) => {
  const server = await startTestServer(t, { listeners: ['smtp', 'smtps'] });
  const oldFp = new X509Certificate(server.service.tls.keyPair.cert).fingerprint256;
  const before = await starttlsFingerprint(server.ports.smtp!);
  t.after(() => before.dialog.close());
  assert.equal(before.fp, oldFp);
  assert.equal(await implicitTlsFingerprint(server.ports.smtps!), oldFp);

  const pems = await selfsigned.generate([{ name: 'commonName', value: 'mail.example.test' }], { keySize: 2048, algorithm: 'sha256' });
  server.service.tls.update({ key: pems.private, cert: pems.cert });
  const newFp = new X509Certificate(pems.cert).fingerprint256;
  assert.notEqual(newFp, oldFp);

  const after = await starttlsFingerprint(server.ports.smtp!);
  t.after(() => after.dialog.close());
  assert.equal(after.fp, newFp, 'STARTTLS on 25 presents the new certificate');
  assert.equal(await implicitTlsFingerprint(server.ports.smtps!), newFp, 'implicit TLS on 465 presents the new certificate');
  // The session opened before the change still works.
  assert.equal((await before.dialog.command('EHLO client.test')).code, 250);
  assert.equal((await before.dialog.command('NOOP')).code, 250);
});
