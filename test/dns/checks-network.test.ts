// Live checks that go beyond DNS answers: mta-sts (policy fetched over HTTPS from a real server,
// certificate verified), port25 (a real SMTP server, a closed port, a refusing greeter) and dnsbl
// (a blocklist zone served by knot). Every outcome of each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createSecureContext } from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { createResolver } from '../../src-mailserver/dns/resolver.js';
import { buildDomainRecords, mtaStsPolicyText, type MailSetup } from '../../src-mailserver/dns/records.js';
import { zoneFileText } from '../../src-mailserver/dns/zone-file.js';
import { runDnsChecks } from '../../src-mailserver/dns/checks/run-checks.js';
import type { CheckContext, CheckId } from '../../src-mailserver/dns/checks/check-types.js';
import { startKnot, zoneHeader, type KnotServer } from '../support/knot.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const KNOT = '127.0.6.30';
const WEB = '127.0.6.31';
const SMTP_OK = '127.0.6.32';
const SMTP_CLOSED = '127.0.6.33';
const SMTP_REFUSING = '127.0.6.34';
const WEB_DOWN = '127.0.6.35';

function setupFor(domain: string, over: Partial<MailSetup> = {}): MailSetup {
  return {
    domain,
    hostname: `mail.${domain}`,
    publicIp: { v4: WEB, v6: null },
    dkimKeys: [],
    relay: null,
    ports: { imaps: 993, submissions: 465, pop3s: 995, https: 443 },
    reportAddress: `postmaster@${domain}`,
    dmarcPolicy: 'quarantine',
    mtaStsMode: 'enforce',
    ttl: 60,
    ...over,
  };
}

const z = (zone: string, body: string[]) => zoneHeader(zone, KNOT) + body.join('\n') + '\n';
const sts = (id: string) => `_mta-sts TXT "v=STSv1; id=${id}"`;
const policies: Record<string, string> = {
  'mta-sts.sts.test': mtaStsPolicyText(setupFor('sts.test')),
  'mta-sts.stsnone.test': 'version: STSv1\nmode: none\nmax_age: 86400\n',
  'mta-sts.stsother.test': 'version: STSv1\nmode: enforce\nmx: mx.elsewhere.test\nmax_age: 86400\n',
  'mta-sts.stsid.test': mtaStsPolicyText(setupFor('stsid.test')),
  'mta-sts.stsbad.test': 'this is not a policy\n',
  'mta-sts.ststrust.test': mtaStsPolicyText(setupFor('ststrust.test')),
};

let knot: KnotServer;
let ca: TestCa;
let web: HttpsServer;
let webPort: number;
const closers: (() => unknown)[] = [];

before(async () => {
  const stsZone = zoneFileText(buildDomainRecords(setupFor('sts.test')), { nameservers: ['ns.sts.test'] });
  knot = await startKnot({ after: (fn) => void closers.push(fn as () => unknown) }, KNOT, {
    'sts.test': stsZone,
    'stsnone.test': z('stsnone.test', [sts('n1'), `mta-sts A ${WEB}`]),
    'stsother.test': z('stsother.test', [sts('o1'), `mta-sts A ${WEB}`]),
    'stsid.test': z('stsid.test', [sts('old1'), `mta-sts A ${WEB}`]),
    'stsbad.test': z('stsbad.test', [sts('b1'), `mta-sts A ${WEB}`]),
    'ststrust.test': z('ststrust.test', [sts('t1'), `mta-sts A ${WEB}`]),
    'stsmulti.test': z('stsmulti.test', [sts('m1'), sts('m2')]),
    'stsnoid.test': z('stsnoid.test', ['_mta-sts TXT "v=STSv1;"']),
    'stsnohost.test': z('stsnohost.test', [sts('h1')]),
    'stsdown.test': z('stsdown.test', [sts('d1'), `mta-sts A ${WEB_DOWN}`]),
    'bare.test': z('bare.test', []),
    'nettest.test': z('nettest.test', [`smtp A ${SMTP_OK}`]),
    'bl.test': z('bl.test', [
      '9.113.0.203 A 127.0.0.2',
      '9.113.0.203 TXT "Listed for spam, see https://bl.test/lookup?ip=203.0.113.9"',
      '10.113.0.203 A 127.255.255.254',
      '11.113.0.203 A 10.0.0.1',
    ]),
  });
  ca = await makeTestCa();
  closers.push(() => ca.remove());
  const trusted = await ca.issue(Object.keys(policies).filter((h) => h !== 'mta-sts.ststrust.test'));
  const untrustedCa = await makeTestCa('Somebody Else');
  closers.push(() => untrustedCa.remove());
  const untrusted = await untrustedCa.issue(['mta-sts.ststrust.test']);
  const contexts = { trusted: createSecureContext(trusted), untrusted: createSecureContext(untrusted) };
  web = createHttpsServer({ ...trusted, SNICallback: (name, cb) => cb(null, name === 'mta-sts.ststrust.test' ? contexts.untrusted : contexts.trusted) }, (req, res) => {
    const policy = req.url === '/.well-known/mta-sts.txt' ? policies[req.headers.host ?? ''] : undefined;
    if (!policy) return void res.writeHead(404).end('not here');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(policy);
  });
  await new Promise<void>((resolve) => web.listen(0, WEB, () => resolve()));
  webPort = (web.address() as { port: number }).port;
  closers.push(() => new Promise((resolve) => web.close(resolve)));
});

after(async () => {
  for (const fn of closers.reverse()) await fn();
});

async function check(id: CheckId, setup: MailSetup, extra: Partial<CheckContext> = {}) {
  const ctx: CheckContext = {
    setup,
    expected: buildDomainRecords(setup),
    resolver: createResolver(knot.server, { timeoutMs: 2000, tries: 1 }),
    port25: `${SMTP_OK}:25`,
    port25TimeoutMs: 3000,
    dnsbls: ['bl.test'],
    https: { port: webPort, ca: ca.cert },
    ...extra,
  };
  return (await runDnsChecks(ctx, [id])).checks[0]!;
}

const mtaSts: [string, string, 'ok' | 'warning' | 'error', RegExp][] = [
  ['our policy, fetched over verified HTTPS', 'sts.test', 'ok', /publishes an MTA-STS policy \(mode enforce\) that covers mail\.sts\.test/],
  ['no record', 'bare.test', 'warning', /publishes no MTA-STS policy/],
  ['mode none', 'stsnone.test', 'warning', /mode none/],
  ['stale id', 'stsid.test', 'warning', /id=old1 instead of id=/],
  ['policy names another mx', 'stsother.test', 'error', /lists mx mx\.elsewhere\.test, not mail\.stsother\.test: senders will refuse to deliver/],
  ['policy does not parse', 'stsbad.test', 'error', /does not parse/],
  ['untrusted certificate', 'ststrust.test', 'error', /could not be fetched \(.*(certificate|issuer).*\)/i],
  ['two records', 'stsmulti.test', 'error', /has 2 MTA-STS records/],
  ['no id', 'stsnoid.test', 'error', /no valid id=/],
  ['policy host missing', 'stsnohost.test', 'error', /mta-sts\.stsnohost\.test does not resolve/],
  ['policy host down', 'stsdown.test', 'error', /could not be fetched \(.*ECONNREFUSED/],
];
for (const [name, domain, status, detail] of mtaSts) {
  test(`mta-sts: ${name} → ${status}`, async () => {
    const r = await check('mta-sts', setupFor(domain));
    assert.equal(r.status, status, r.detail);
    assert.match(r.detail, detail);
  });
}

test('port25: a real SMTP server answers → ok, with timed stages', async (t) => {
  const smtp = new SMTPServer({ authOptional: true, logger: false, onData: (s, _session, cb) => (s.resume(), s.on('end', () => cb())) });
  await new Promise<void>((resolve) => smtp.listen(25, SMTP_OK, () => resolve()));
  t.after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
  const r = await check('port25', setupFor('sts.test'));
  assert.equal(r.status, 'ok', r.detail);
  assert.match(r.detail, /Outbound port 25 works: 127\.0\.6\.32 greeted us in \d+ ms and offers STARTTLS/);
  assert.deepEqual(r.steps!.map((s) => s.name), ['connect', 'greeting', 'ehlo']);
  const byName = await check('port25', setupFor('sts.test'), { port25: 'smtp.nettest.test' });
  assert.equal(byName.status, 'ok', byName.detail);
  assert.deepEqual(byName.steps!.map((s) => [s.name, s.ok]), [['resolve', true], ['connect', true], ['greeting', true], ['ehlo', true]]);
});

test('port25: nothing answers → error explaining ISP blocks and offering the smarthost; with a relay only a warning', async () => {
  const r = await check('port25', setupFor('sts.test'), { port25: `${SMTP_CLOSED}:25` });
  assert.equal(r.status, 'error');
  assert.match(r.detail, /Could not connect to 127\.0\.6\.33:25 \(.*ECONNREFUSED.*\)\. Many home ISPs block outgoing port 25/);
  assert.match(r.fix, /smarthost relay/);
  assert.deepEqual(r.steps!.map((s) => [s.name, s.ok]), [['connect', false]]);
  const relayed = await check('port25', setupFor('sts.test', { relay: { host: 'smtp.relayco.test' } }), { port25: `${SMTP_CLOSED}:25` });
  assert.equal(relayed.status, 'warning');
  assert.match(relayed.fix, /already goes through the relay smtp\.relayco\.test/);
  const partly = await check('port25', setupFor('sts.test', { relay: { host: 'smtp.relayco.test' }, relayScope: 'domains' }), { port25: `${SMTP_CLOSED}:25` });
  assert.equal(partly.status, 'error', 'a relay for some destinations does not carry the rest');
});

test('port25: a server that refuses us in its greeting → warning', async (t) => {
  const refusing: TcpServer = createTcpServer((socket) => socket.end('554 5.7.1 Your address is on our blocklist\r\n'));
  await new Promise<void>((resolve) => refusing.listen(25, SMTP_REFUSING, () => resolve()));
  t.after(() => new Promise<void>((resolve) => refusing.close(() => resolve())));
  const r = await check('port25', setupFor('sts.test'), { port25: `${SMTP_REFUSING}:25` });
  assert.equal(r.status, 'warning', r.detail);
  assert.match(r.detail, /refused to talk \(554 5\.7\.1 Your address is on our blocklist\)/);
});

test('dnsbl: not listed → ok; listed → error with the reason; refused or odd answers and dead lists → warning', async () => {
  const ip = (v4: string) => setupFor('sts.test', { publicIp: { v4, v6: null } });
  const clean = await check('dnsbl', ip('203.0.113.5'));
  assert.equal(clean.status, 'ok', clean.detail);
  assert.match(clean.detail, /203\.0\.113\.5 is on none of bl\.test/);
  const listed = await check('dnsbl', ip('203.0.113.9'));
  assert.equal(listed.status, 'error');
  assert.match(listed.detail, /203\.0\.113\.9 is listed on bl\.test \(127\.0\.0\.2\): Listed for spam/);
  assert.match(listed.fix, /https:\/\/bl\.test\/lookup\?ip=203\.0\.113\.9/);
  const refused = await check('dnsbl', ip('203.0.113.10'));
  assert.equal(refused.status, 'warning');
  assert.match(refused.detail, /refused to answer/);
  const odd = await check('dnsbl', ip('203.0.113.11'));
  assert.equal(odd.status, 'warning');
  assert.match(odd.detail, /not a listing code/);
  const dead = await check('dnsbl', ip('203.0.113.5'), { dnsbls: ['unserved.test'] });
  assert.equal(dead.status, 'warning');
  assert.match(dead.detail, /Could not query unserved\.test/);
  const unknown = await check('dnsbl', setupFor('sts.test', { publicIp: { v4: null, v6: null } }));
  assert.equal(unknown.status, 'warning');
});
