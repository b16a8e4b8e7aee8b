// A certificate of the user's own (tls.certFile / tls.keyFile): served from the start, replaced
// when the files change without dropping an open connection, a broken replacement is refused
// (the old one stays), and a mismatched pair stops the server from starting with a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { startTestServer } from '../support/test-server.js';
import { makeTestCa } from '../support/test-ca.js';
import { makeTempDir } from '../support/temp-dir.js';
import { mailserver, spawnServer, serveArgs } from '../support/processes.js';

const SERVER = '127.0.6.61';

function open(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: SERVER, port, servername: 'mail.example.test', ca }, () => resolve(s));
    s.once('error', reject);
  });
}

const serial = (s: TLSSocket) => new X509Certificate(s.getPeerX509Certificate()!.raw).serialNumber;

function get(socket: TLSSocket): Promise<string> {
  socket.write('GET /mail/config-v1.1.xml?emailaddress=a%40example.test HTTP/1.1\r\nHost: mail.example.test\r\n\r\n');
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', function onData(c: Buffer) {
      text += c.toString();
      if (text.includes('</clientConfig>')) {
        socket.off('data', onData);
        resolve(text);
      }
    });
    socket.once('close', () => reject(new Error('closed')));
  });
}

test('user PEM pair: served, reloaded when the files change, a broken replacement refused', async (t) => {
  const ca = await makeTestCa();
  t.after(() => ca.remove());
  const files = await makeTempDir();
  t.after(() => files.remove());
  const certFile = join(files.path, 'cert.pem');
  const keyFile = join(files.path, 'key.pem');
  const one = await ca.issue(['mail.example.test']);
  await writeFile(certFile, one.cert);
  await writeFile(keyFile, one.key);
  const server = await startTestServer(t, { listeners: ['https'], config: { listen: SERVER, tls: { certFile, keyFile } } });
  assert.equal(server.service.certificates.status().source, 'files');
  const first = await open(server.ports.https!, ca.cert);
  t.after(() => first.destroy());
  const firstSerial = serial(first);
  assert.equal(firstSerial, new X509Certificate(one.cert).serialNumber);
  assert.match(await get(first), /200 OK/);

  const two = await ca.issue(['mail.example.test']);
  await writeFile(certFile, two.cert);
  await writeFile(keyFile, two.key);
  assert.equal(await server.service.certificates.checkNow(), 'files');
  const second = await open(server.ports.https!, ca.cert);
  t.after(() => second.destroy());
  assert.equal(serial(second), new X509Certificate(two.cert).serialNumber);
  assert.match(await get(first), /200 OK/, 'the connection opened before the change still works');
  // A client that sends no SNI (connecting by address) gets the new certificate too.
  const noSni = await new Promise<TLSSocket>((resolve, reject) => {
    const s = tlsConnect({ host: SERVER, port: server.ports.https!, ca: ca.cert, checkServerIdentity: () => undefined }, () => resolve(s));
    s.once('error', reject);
  });
  t.after(() => noSni.destroy());
  assert.equal(serial(noSni), new X509Certificate(two.cert).serialNumber);

  // A certificate whose key is not the one on disk: refused, the current one stays.
  const three = await ca.issue(['mail.example.test']);
  await writeFile(certFile, three.cert);
  assert.equal(await server.service.certificates.checkNow(), 'failed');
  assert.match(server.service.certificates.status().lastError!, /private key does not belong to the certificate/);
  const third = await open(server.ports.https!, ca.cert);
  t.after(() => third.destroy());
  assert.equal(serial(third), new X509Certificate(two.cert).serialNumber);
});

test('mailserver serve refuses to start with a mismatched or half-given pair', async (t) => {
  const ca = await makeTestCa();
  t.after(() => ca.remove());
  const data = await makeTempDir();
  t.after(() => data.remove());
  const a = await ca.issue(['mail.example.test']);
  const b = await ca.issue(['mail.example.test']);
  await writeFile(join(data.path, 'cert.pem'), a.cert);
  await writeFile(join(data.path, 'key.pem'), b.key);
  await writeFile(join(data.path, 'config.json'), JSON.stringify({ tls: { certFile: join(data.path, 'cert.pem'), keyFile: join(data.path, 'key.pem') } }));
  await assert.rejects(spawnServer(t, serveArgs(data.path, ['https'])), /private key does not belong to the certificate/);
  await writeFile(join(data.path, 'config.json'), JSON.stringify({ tls: { certFile: join(data.path, 'cert.pem') } }));
  await assert.rejects(spawnServer(t, serveArgs(data.path, ['https'])), /tls\.certFile and tls\.keyFile go together/);
  const list = await mailserver(['domain', 'list', '--data', data.path]);
  assert.equal(list.code, 0, 'management commands still work');
});
