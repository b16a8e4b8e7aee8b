// ACME end to end against pebble on loopback, names resolved by a real Knot DNS server serving the
// records `dns records` prints: the server orders a certificate over HTTP-01 on its own port-80
// listener, serves it on HTTPS and SMTP STARTTLS, keeps it when it is not due, and renews it 30
// days before expiry while TLS connections opened before the renewal stay up and keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DkimKeyStore } from '../../src-mailserver/auth/dkim-keys.js';
import { loadConfig } from '../../src-mailserver/config/config.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { mailSetupFor } from '../../src-mailserver/dns/mail-setup.js';
import { buildDomainRecords } from '../../src-mailserver/dns/records.js';
import { zoneFileText } from '../../src-mailserver/dns/zone-file.js';
import { createServerLog } from '../../src-mailserver/log/logger.js';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { MailService } from '../../src-mailserver/service.js';
import { freePort, startKnot } from '../support/knot.js';
import { startPebble } from '../support/pebble.js';
import { makeTempDir } from '../support/temp-dir.js';
import { until as waitFor } from '../support/until.js';

const KNOT = '127.0.6.50';
const SERVER = '127.0.6.51';
const PEBBLE = '127.0.6.52';
const DOMAIN = 'example.test';
const HOST = 'mail.example.test';
const DAY = 24 * 3600 * 1000;

/** Read lines until an SMTP reply ends (a line with a space after the code). */
function reply(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (c: Buffer) => {
      text += c.toString();
      if (/^\d{3} .*\r\n$/m.test(text.split('\r\n').slice(-2).join('\r\n'))) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

async function smtpStartTls(port: number, ca: string): Promise<TLSSocket> {
  const plain = netConnect({ host: SERVER, port });
  await reply(plain);
  plain.write('EHLO client.test\r\n');
  assert.match(await reply(plain), /STARTTLS/);
  plain.write('STARTTLS\r\n');
  assert.match(await reply(plain), /^220 /);
  const secure = tlsConnect({ socket: plain, servername: HOST, ca });
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', () => resolve()).once('error', reject));
  secure.write('EHLO client.test\r\n');
  assert.match(await reply(secure), /^250 /m);
  return secure;
}

async function httpsGet(socket: TLSSocket, host: string, path: string): Promise<string> {
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let text = '';
    const onClose = () => reject(new Error('the HTTPS connection was closed'));
    const onData = (c: Buffer) => {
      text += c.toString();
      const m = /content-length: (\d+)\r\n[\s\S]*?\r\n\r\n/i.exec(text);
      if (m && text.length >= text.indexOf('\r\n\r\n') + 4 + Number(m[1])) {
        socket.off('data', onData).off('close', onClose);
        resolve(text);
      }
    };
    socket.on('data', onData).once('close', onClose);
  });
}

function tlsOpen(port: number, servername: string, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: SERVER, port, servername, ca }, () => resolve(s));
    s.once('error', reject);
  });
}

test('ACME: issue over HTTP-01, serve it, keep it while valid, renew 30 days before expiry without dropping connections', async (t) => {
  const data = await makeTempDir();
  t.after(() => data.remove());
  const httpPort = await freePort(SERVER);
  // The domain exists before the server starts, so the first order covers its web names.
  const db = openMailDatabase(data.path);
  new Directory(db).domains.add(DOMAIN);
  new DkimKeyStore(db).ensureForDomain(DOMAIN);
  db.close();

  const baseConfig = loadConfig(data.path, { hostname: HOST, listen: SERVER });
  const setup = mailSetupFor({ config: baseConfig, domain: DOMAIN, dkim: { published: () => [] }, publicIp: { v4: SERVER, v6: null } });
  const knot = await startKnot(t, KNOT, { [DOMAIN]: zoneFileText(buildDomainRecords(setup), { nameservers: [`ns.${DOMAIN}`] }) });
  const pebble = await startPebble(t, { address: PEBBLE, dnsServer: knot.server, httpPort, validitySeconds: 40 * 24 * 3600 });

  let clock = Date.now();
  const config = loadConfig(data.path, {
    hostname: HOST,
    listen: SERVER,
    dns: knot.server,
    ports: { smtp: 0, submission: null, smtps: null, imap: null, imaps: null, pop3: null, pop3s: null, http: httpPort, https: 0, admin: null },
    tls: { acme: { enabled: true, directoryUrl: pebble.directoryUrl, caFile: pebble.caFile, email: 'postmaster@example.test' } },
  });
  const log = createServerLog({ stdout: process.env.TEST_LOG_STDOUT === '1', level: process.env.TEST_LOG_LEVEL ?? 'info' });
  const service = await MailService.start({ dataDir: data.path, config, logger: log.logger, now: () => clock });
  t.after(() => service.stop());

  await waitFor('the first ACME certificate', () => service.certificates.status().source === 'acme' || service.certificates.status().lastError !== null);
  const first = service.certificates.status();
  assert.equal(first.lastError, null, `${first.lastError}\n${await pebble.log()}`);
  assert.deepEqual([...first.names].sort(), ['autoconfig.example.test', 'autodiscover.example.test', HOST, 'mta-sts.example.test'].sort());
  assert.ok(existsSync(join(data.path, 'tls/acme/cert.pem')));
  assert.ok(existsSync(join(data.path, 'tls/acme/account.key')));
  const root = await pebble.issuingRoot();

  // Verified handshakes with the CA's root, on HTTPS (a web name) and on SMTP STARTTLS.
  const sockets: Socket[] = [];
  t.after(() => sockets.forEach((s) => s.destroy()));
  const web = await tlsOpen(service.ports.https!, 'mta-sts.example.test', root);
  sockets.push(web);
  const firstSerial = new X509Certificate(web.getPeerX509Certificate()!.raw).serialNumber;
  assert.match(await httpsGet(web, 'mta-sts.example.test', '/.well-known/mta-sts.txt'), /mode: enforce/);
  const smtp = await smtpStartTls(service.ports.smtp!, root);
  sockets.push(smtp);
  assert.equal(new X509Certificate(smtp.getPeerX509Certificate()!.raw).serialNumber, firstSerial);

  // Not due: 40 days left, renewal at 30.
  assert.equal(await service.certificates.checkNow(), 'valid', JSON.stringify(service.certificates.status()));

  // Eleven days later only 29 are left: renew.
  // The HTTPS client keeps its connection busy (the server closes idle keep-alive connections
  // after 5 s) with a request every 500 ms while the renewal runs; each must succeed.
  clock += 11 * DAY;
  const renewal = service.certificates.checkNow();
  let during = 0;
  let done = false;
  void renewal.finally(() => (done = true));
  while (!done) {
    assert.match(await httpsGet(web, 'mta-sts.example.test', '/.well-known/mta-sts.txt'), /^HTTP\/1\.1 200/);
    during++;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(during > 0);
  assert.equal(await renewal, 'renewed', String(service.certificates.status().lastError));
  const renewed = service.certificates.status();
  assert.ok(renewed.notAfter > first.notAfter);

  // Connections from before the renewal (TLS 1.3: no renegotiation, so still on the old certificate) still work...
  assert.match(await httpsGet(web, 'mta-sts.example.test', '/.well-known/mta-sts.txt'), /^HTTP\/1\.1 200/);
  smtp.write('NOOP\r\n');
  assert.match(await reply(smtp), /^250 /);
  // ...while new ones get the new certificate.
  const fresh = await tlsOpen(service.ports.https!, 'autoconfig.example.test', root);
  const freshSerial = new X509Certificate(fresh.getPeerX509Certificate()!.raw).serialNumber;
  assert.notEqual(freshSerial, firstSerial);
  const freshSmtp = await smtpStartTls(service.ports.smtp!, root);
  assert.equal(new X509Certificate(freshSmtp.getPeerX509Certificate()!.raw).serialNumber, freshSerial);
  for (const s of [web, smtp, fresh, freshSmtp]) s.destroy();

  // A restart loads the stored certificate instead of ordering again.
  await service.stop();
  const again = await MailService.start({ dataDir: data.path, config, logger: log.logger });
  t.after(() => again.stop());
  assert.equal(again.certificates.status().source, 'acme');
  assert.equal(new X509Certificate(again.tls.keyPair.cert).serialNumber, freshSerial);
  assert.equal(await again.certificates.checkNow(), 'valid');
});

test('ACME: a failed order keeps the current certificate, records the reason and backs off', async (t) => {
  const data = await makeTempDir();
  t.after(() => data.remove());
  const httpPort = await freePort(SERVER);
  // The zone lacks the mail host's address: the CA cannot validate.
  const knot = await startKnot(t, KNOT, { [DOMAIN]: `$ORIGIN ${DOMAIN}.\n$TTL 60\n@ SOA ns hostmaster 1 3600 900 604800 60\n@ NS ns\nns A ${KNOT}\n` });
  const pebble = await startPebble(t, { address: PEBBLE, dnsServer: knot.server, httpPort });
  let clock = Date.now();
  const config = loadConfig(data.path, {
    hostname: HOST,
    listen: SERVER,
    dns: knot.server,
    ports: { smtp: null, submission: null, smtps: null, imap: null, imaps: null, pop3: null, pop3s: null, http: httpPort, https: null, admin: null },
    tls: { acme: { enabled: true, directoryUrl: pebble.directoryUrl, caFile: pebble.caFile } },
  });
  const log = createServerLog({ stdout: process.env.TEST_LOG_STDOUT === '1' });
  const service = await MailService.start({ dataDir: data.path, config, logger: log.logger, now: () => clock });
  t.after(() => service.stop());
  await waitFor('the failed order', () => service.certificates.status().lastError !== null);
  const status = service.certificates.status();
  assert.equal(status.source, 'self-signed');
  assert.match(status.lastError!, /mail\.example\.test|NXDOMAIN|DNS|validat/i);
  assert.ok(status.nextAttempt! >= clock + 3600 * 1000 - 1000, 'retried an hour later at the earliest');
  assert.equal(await service.certificates.checkNow(), 'waiting');
  clock += 2 * 3600 * 1000;
  assert.equal(await service.certificates.checkNow(), 'failed');
  assert.ok(service.certificates.status().nextAttempt! >= clock + 2 * 3600 * 1000 - 1000, 'the wait doubles');
});
