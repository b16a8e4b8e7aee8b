// The web listeners fetched the way clients fetch them: names resolved through a real Knot DNS
// server serving the records `dns records` prints, HTTPS verified by curl, and the answers parsed
// by Python's XML and plist parsers: Thunderbird autoconfig (both paths, HTTPS and HTTP), Outlook
// POX autodiscover, the Apple .mobileconfig, the MTA-STS policy and ACME challenges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startKnot, type KnotServer } from '../support/knot.js';
import { makeTestCa } from '../support/test-ca.js';
import { makeTempDir } from '../support/temp-dir.js';
import { run } from '../support/processes.js';
import { DkimKeyStore } from '../../src-mailserver/auth/dkim-keys.js';
import { mailSetupFor } from '../../src-mailserver/dns/mail-setup.js';
import { buildDomainRecords } from '../../src-mailserver/dns/records.js';
import { zoneFileText } from '../../src-mailserver/dns/zone-file.js';
import { createResolver } from '../../src-mailserver/dns/resolver.js';
import { runDnsChecks } from '../../src-mailserver/dns/checks/run-checks.js';

const KNOT = '127.0.6.40';
const SERVER = '127.0.6.41';
const DOMAIN = 'example.test';

interface World {
  server: TestServer;
  knot: KnotServer;
  caFile: string;
  /** curl as a client that resolves names with knot and trusts the test CA. */
  curl(url: string, args?: string[], address?: string): Promise<{ status: number; body: string; type: string }>;
}

async function world(t: import('node:test').TestContext): Promise<World> {
  const server = await startTestServer(t, {
    listeners: ['http', 'https', 'imaps', 'smtps', 'submission'],
    config: { listen: SERVER, publicIp: SERVER, network: { publicIpWatchMinutes: 0 } },
  });
  const setup = mailSetupFor({ config: server.service.config, domain: DOMAIN, dkim: new DkimKeyStore(server.service.db), publicIp: { v4: SERVER, v6: null }, runningPorts: server.ports });
  const knot = await startKnot(t, KNOT, { [DOMAIN]: zoneFileText(buildDomainRecords(setup), { nameservers: [`ns.${DOMAIN}`] }) });
  const ca = await makeTestCa();
  t.after(() => ca.remove());
  server.service.tls.update(await ca.issue(['mail.example.test', 'example.test', 'autoconfig.example.test', 'autodiscover.example.test', 'mta-sts.example.test']));
  const tmp = await makeTempDir();
  t.after(() => tmp.remove());
  const caFile = join(tmp.path, 'ca.pem');
  await writeFile(caFile, ca.cert);
  const resolver = createResolver(knot.server);
  return {
    server,
    knot,
    caFile,
    async curl(url, args = [], given) {
      const u = new URL(url);
      const address = given ?? (await resolver.resolve4(u.hostname))[0];
      const r = await run('curl', ['-sS', '--max-time', '10', '--cacert', caFile, '--resolve', `${u.hostname}:${u.port}:${address}`, '-o', '-', '-w', '\n%{http_code} %{content_type}', ...args, url]);
      assert.equal(r.code, 0, r.stderr);
      const cut = r.stdout.lastIndexOf('\n');
      const [status, type] = r.stdout.slice(cut + 1).split(' ');
      return { status: Number(status), type: type ?? '', body: r.stdout.slice(0, cut) };
    },
  };
}

async function python(script: string, input: string): Promise<unknown> {
  const r = await run('python3', ['-c', script], { input });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const PARSE_AUTOCONFIG = `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
p = root.find('emailProvider')
def server(e):
    return {'type': e.get('type'), **{c.tag: c.text for c in e}}
print(json.dumps({'domain': p.findtext('domain'), 'incoming': [server(e) for e in p.findall('incomingServer')], 'outgoing': [server(e) for e in p.findall('outgoingServer')]}))
`;

test('Thunderbird autoconfig: both URLs over verified HTTPS, then the HTTP fallback; unknown domains get 404', async (t) => {
  const w = await world(t);
  const https = w.server.ports.https!;
  const first = await w.curl(`https://autoconfig.${DOMAIN}:${https}/mail/config-v1.1.xml?emailaddress=alice%40${DOMAIN}`);
  assert.equal(first.status, 200);
  assert.match(first.type, /^application\/xml/);
  const parsed = (await python(PARSE_AUTOCONFIG, first.body)) as { domain: string; incoming: Record<string, string>[]; outgoing: Record<string, string>[] };
  assert.equal(parsed.domain, DOMAIN);
  const ports = w.server.ports;
  assert.deepEqual(parsed.incoming[0], { type: 'imap', hostname: 'mail.example.test', port: String(ports.imaps), socketType: 'SSL', username: '%EMAILADDRESS%', authentication: 'password-cleartext' });
  assert.deepEqual(
    parsed.outgoing.map((s) => [s.type, s.port, s.socketType]),
    [
      ['smtp', String(ports.smtps), 'SSL'],
      ['smtp', String(ports.submission), 'STARTTLS'],
    ],
  );
  const wellKnown = await w.curl(`https://${DOMAIN}:${https}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40${DOMAIN}`, [], SERVER);
  assert.equal(wellKnown.status, 200);
  assert.equal(wellKnown.body, first.body);
  const plain = await run('curl', ['-sS', '-o', '-', '-w', '\n%{http_code}', `http://${SERVER}:${w.server.ports.http}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40${DOMAIN}`]);
  assert.match(plain.stdout, /<hostname>mail\.example\.test<\/hostname>[\s\S]*\n200$/);
  const byHost = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Host: autoconfig.${DOMAIN}`, `http://${SERVER}:${w.server.ports.http}/mail/config-v1.1.xml`]);
  assert.equal(byHost.stdout, '200');
  const other = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://${SERVER}:${w.server.ports.http}/mail/config-v1.1.xml?emailaddress=bob%40elsewhere.test`]);
  assert.equal(other.stdout, '404');
});

test('Outlook autodiscover (POX): POST the request, parse the settings; a foreign domain gets error 600', async (t) => {
  const w = await world(t);
  const url = `https://autodiscover.${DOMAIN}:${w.server.ports.https}/Autodiscover/Autodiscover.xml`;
  const request = (address: string) =>
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;
  const r = await w.curl(url, ['-X', 'POST', '-H', 'Content-Type: text/xml', '--data-binary', request(`alice@${DOMAIN}`)]);
  assert.equal(r.status, 200);
  const parsed = (await python(
    `
import sys, json, xml.etree.ElementTree as ET
ns = {'a': 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006', 'o': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'}
root = ET.fromstring(sys.stdin.read())
acct = root.find('o:Response/o:Account', ns)
print(json.dumps({'type': acct.findtext('o:AccountType', namespaces=ns), 'action': acct.findtext('o:Action', namespaces=ns),
  'protocols': [{c.tag.split('}')[1]: c.text for c in p} for p in acct.findall('o:Protocol', ns)]}))
`,
    r.body,
  )) as { type: string; action: string; protocols: Record<string, string>[] };
  assert.equal(parsed.type, 'email');
  assert.equal(parsed.action, 'settings');
  const imap = parsed.protocols.find((p) => p.Type === 'IMAP')!;
  assert.equal(imap.Server, 'mail.example.test');
  assert.equal(imap.Port, String(w.server.ports.imaps));
  assert.equal(imap.LoginName, 'alice@example.test');
  assert.equal(imap.SSL, 'on');
  assert.equal(parsed.protocols.find((p) => p.Type === 'SMTP')!.Port, String(w.server.ports.smtps));
  const foreign = await w.curl(url, ['-X', 'POST', '--data-binary', request('eve@elsewhere.test')]);
  assert.match(foreign.body, /<ErrorCode>600<\/ErrorCode>/);
  const tooBig = await w.curl(url, ['-X', 'POST', '--data-binary', 'x'.repeat(70_000)]);
  assert.equal(tooBig.status, 413);
});

test('Apple .mobileconfig parses as a property list with the mail payload', async (t) => {
  const w = await world(t);
  const r = await w.curl(`https://mail.${DOMAIN}:${w.server.ports.https}/mail.mobileconfig?emailaddress=alice%40${DOMAIN}`);
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/x-apple-aspen-config');
  const plist = (await python('import sys, json, plistlib\nprint(json.dumps(plistlib.loads(sys.stdin.buffer.read())))', r.body)) as {
    PayloadType: string;
    PayloadUUID: string;
    PayloadContent: Record<string, unknown>[];
  };
  assert.equal(plist.PayloadType, 'Configuration');
  assert.match(plist.PayloadUUID, /^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  const mail = plist.PayloadContent[0]!;
  assert.equal(mail.PayloadType, 'com.apple.mail.managed');
  assert.equal(mail.EmailAccountType, 'EmailTypeIMAP');
  assert.equal(mail.EmailAddress, 'alice@example.test');
  assert.equal(mail.IncomingMailServerHostName, 'mail.example.test');
  assert.equal(mail.IncomingMailServerPortNumber, w.server.ports.imaps);
  assert.equal(mail.IncomingMailServerUseSSL, true);
  assert.equal(mail.OutgoingMailServerPortNumber, w.server.ports.smtps);
  assert.equal(mail.OutgoingMailServerUsername, 'alice@example.test');
  const again = await w.curl(`https://mail.${DOMAIN}:${w.server.ports.https}/mail.mobileconfig?emailaddress=alice%40${DOMAIN}`);
  assert.equal(again.body, r.body, 'stable UUIDs: installing again replaces the profile');
});

test('MTA-STS policy: served over HTTPS only, and the live check accepts it end to end', async (t) => {
  const w = await world(t);
  const policy = await w.curl(`https://mta-sts.${DOMAIN}:${w.server.ports.https}/.well-known/mta-sts.txt`);
  assert.equal(policy.status, 200);
  assert.equal(policy.body, 'version: STSv1\r\nmode: testing\r\nmx: mail.example.test\r\nmax_age: 604800\r\n');
  const overHttp = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Host: mta-sts.${DOMAIN}`, `http://${SERVER}:${w.server.ports.http}/.well-known/mta-sts.txt`]);
  assert.equal(overHttp.stdout, '404');
  const { readFile } = await import('node:fs/promises');
  const setup = mailSetupFor({ config: w.server.service.config, domain: DOMAIN, dkim: new DkimKeyStore(w.server.service.db), publicIp: { v4: SERVER, v6: null } });
  const report = await runDnsChecks(
    { setup, expected: buildDomainRecords(setup), resolver: createResolver(w.knot.server), port25: '127.0.0.1:1', dnsbls: [], https: { port: w.server.ports.https, ca: await readFile(w.caFile, 'utf8') } },
    ['mta-sts'],
  );
  assert.equal(report.checks[0]!.status, 'ok', report.checks[0]!.detail);
});

test('ACME HTTP-01 challenges are answered on port 80 while pending, 404 otherwise', async (t) => {
  const w = await world(t);
  const url = (token: string) => `http://${SERVER}:${w.server.ports.http}/.well-known/acme-challenge/${token}`;
  w.server.service.acmeChallenges.set('tok_en-1', 'tok_en-1.thumbprint');
  const r = await run('curl', ['-sS', '-w', '\n%{http_code}', url('tok_en-1')]);
  assert.equal(r.stdout, 'tok_en-1.thumbprint\n200');
  w.server.service.acmeChallenges.delete('tok_en-1');
  const gone = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', url('tok_en-1')]);
  assert.equal(gone.stdout, '404');
  const bad = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'DELETE', url('x')]);
  assert.equal(bad.stdout, '405');
});
