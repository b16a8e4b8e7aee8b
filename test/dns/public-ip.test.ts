// Public IP detection (manual, interface, echo URL served by a local HTTP server) and the
// watchdog: when the address changes it re-runs the DNS checks against a real Knot DNS server and
// raises a warning naming what broke; once DNS is fixed, recheck() clears it. The running service
// offers the same records and checks as plain functions for the admin API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { DkimKeyStore } from '../../src-mailserver/auth/dkim-keys.js';
import { loadConfig } from '../../src-mailserver/config/config.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { checkDomain, domainRecords } from '../../src-mailserver/dns/domain-setup.js';
import { detectPublicIp, type PublicIpResult } from '../../src-mailserver/dns/public-ip.js';
import { createResolver } from '../../src-mailserver/dns/resolver.js';
import { PublicIpWatchdog } from '../../src-mailserver/dns/watchdog.js';
import { silentLogger } from '../../src-mailserver/log/logger.js';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { startKnot, zoneHeader } from '../support/knot.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer } from '../support/test-server.js';

const ECHO = '127.0.6.70';
const KNOT = '127.0.6.71';

async function echoServer(t: import('node:test').TestContext, answers: () => { status: number; body: string }) {
  const server = createServer((_req, res) => {
    const a = answers();
    res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, ECHO, () => resolve()));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://${ECHO}:${(server.address() as { port: number }).port}/`;
}

test('public IP: manual wins, then a global interface address, then the echo URL; failures say why', async (t) => {
  const manual = await detectPublicIp({ manual: '203.0.113.9', echoUrl: null });
  assert.deepEqual([manual.source, manual.addresses], ['manual', { v4: '203.0.113.9', v6: null }]);
  const nat = { eth0: [{ address: '192.168.1.20', family: 'IPv4', internal: false }], lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }] } as never;
  const vps = { eth0: [{ address: '10.0.0.2', family: 'IPv4', internal: false }, { address: '198.51.100.7', family: 'IPv4', internal: false }, { address: '2001:db8::7', family: 'IPv6', internal: false }] } as never;
  const fromInterface = await detectPublicIp({ manual: null, echoUrl: null, interfaces: () => vps });
  assert.deepEqual([fromInterface.source, fromInterface.addresses], ['interface', { v4: '198.51.100.7', v6: '2001:db8::7' }]);
  const none = await detectPublicIp({ manual: null, echoUrl: null, interfaces: () => nat });
  assert.equal(none.source, 'none');
  assert.match(none.detail, /behind NAT/);
  let answer = { status: 200, body: '198.51.100.23\n' };
  const url = await echoServer(t, () => answer);
  const echo = await detectPublicIp({ manual: null, echoUrl: url, interfaces: () => nat });
  assert.deepEqual([echo.source, echo.addresses], ['echo', { v4: '198.51.100.23', v6: null }]);
  answer = { status: 200, body: '<html>not an address</html>' };
  const garbage = await detectPublicIp({ manual: null, echoUrl: url, interfaces: () => nat });
  assert.equal(garbage.source, 'none');
  assert.match(garbage.detail, /did not answer with an IP address/);
  answer = { status: 503, body: 'down' };
  const down = await detectPublicIp({ manual: null, echoUrl: url, interfaces: () => nat });
  assert.match(down.detail, /HTTP 503/);
});

test('watchdog: a new address re-runs the checks and warns about what broke; fixing DNS clears it', async (t) => {
  const data = await makeTempDir();
  t.after(() => data.remove());
  const db = openMailDatabase(data.path);
  t.after(() => db.close());
  new Directory(db).domains.add('example.test');
  const dkim = new DkimKeyStore(db);
  dkim.ensureForDomain('example.test');
  const config = loadConfig(data.path, { hostname: 'mail.example.test', network: { port25TestHost: '127.0.6.79:25', dnsbls: [] } });

  const smtp = new SMTPServer({ authOptional: true, logger: false });
  await new Promise<void>((resolve) => smtp.listen(25, '127.0.6.79', () => resolve()));
  t.after(() => void smtp.close());
  let address = '198.51.100.23';
  const url = await echoServer(t, () => ({ status: 200, body: address }));
  const detect = () => detectPublicIp({ manual: null, echoUrl: url, interfaces: () => ({}) });
  const zoneFor = async (ip: string, serial: number) => {
    const view = domainRecords({ config, dkim, publicIp: await detect() }, 'example.test', { nameservers: ['ns.example.test'] });
    return {
      // No MTA-STS here (no HTTPS server in this test): that check is then only a warning.
      'example.test': view.zoneText.replace(/ \d{10} 3600 900/, ` ${serial} 3600 900`).replace(/^_mta-sts\..*$/m, ''),
      '100.51.198.in-addr.arpa': zoneHeader('100.51.198.in-addr.arpa', KNOT, serial) + `${ip.split('.')[3]} PTR mail.example.test.\n`,
    };
  };
  const knot = await startKnot(t, KNOT, await zoneFor(address, 1));
  const resolver = createResolver(knot.server, { timeoutMs: 1000, tries: 1 });
  const runChecks = async (publicIp: PublicIpResult) => [await checkDomain({ config, dkim, resolver, publicIp }, 'example.test')];
  const watchdog = new PublicIpWatchdog({ dataDir: data.path, detect, runChecks, intervalMs: 3600_000, log: silentLogger() });
  t.after(() => watchdog.stop());

  const first = await watchdog.checkNow();
  assert.equal(first.level, 'ok', first.message);
  assert.match(first.message, /Public IP 198\.51\.100\.23/);
  assert.equal((await watchdog.checkNow()).reports.length, 0, 'no change, no checks');

  // The ISP hands out a new address: A, SPF and PTR now point at the old one.
  address = '198.51.100.24';
  let changed = false;
  watchdog.once('change', () => (changed = true));
  const after = await watchdog.checkNow();
  assert.ok(changed);
  assert.equal(after.level, 'warning');
  assert.match(after.message, /changed from 198\.51\.100\.23 to 198\.51\.100\.24; these DNS checks now fail: example\.test: a, example\.test: ptr, example\.test: spf/);
  const a = after.reports[0]!.checks.find((c) => c.id === 'a')!;
  assert.match(a.detail, /resolves to 198\.51\.100\.23, but this server's public IPv4 address is 198\.51\.100\.24/);

  // A restart remembers the last address: no change, but the warning comes back only on a change.
  const restarted = new PublicIpWatchdog({ dataDir: data.path, detect, runChecks, intervalMs: 3600_000, log: silentLogger() });
  assert.equal((await restarted.checkNow()).level, 'ok');

  // The user updates DNS (and the provider the PTR): recheck clears the warning.
  await knot.setZones(await zoneFor(address, 2));
  const fixed = await watchdog.recheck();
  assert.equal(fixed.level, 'ok', fixed.message);
  assert.match(fixed.message, /every DNS check passes/);
});

test('the running service offers records and checks as plain functions, and watches the public IP', async (t) => {
  const server = await startTestServer(t, { listeners: ['smtp'], config: { publicIp: '198.51.100.30', network: { port25TestHost: '127.0.6.79:25', dnsbls: [] }, dns: '127.0.6.78:9' } });
  await server.service.publicIpWatchdog!.checkNow();
  assert.equal(server.service.publicIpWatchdog!.status().publicIp!.source, 'manual');
  const records = await server.service.dnsRecords('example.test');
  assert.ok(records.records.some((r) => r.type === 'A' && r.value === '198.51.100.30'));
  assert.match(records.zoneText, /^mail\.example\.test\.\t300\tIN\tA\t198\.51\.100\.30$/m);
  const report = await server.service.dnsCheck('example.test');
  assert.deepEqual(
    report.checks.map((c) => c.id),
    ['mx', 'a', 'ptr', 'spf', 'dkim', 'dmarc', 'mta-sts', 'tls-rpt', 'port25', 'dnsbl'],
  );
  assert.ok(report.checks.every((c) => c.detail.length > 0));
});
