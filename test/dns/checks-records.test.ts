// Live checks mx, a, ptr, spf, dkim, dmarc and tls-rpt against a real Knot DNS server serving
// correct, missing and wrong records: every check in each of its outcomes. The correct zone is the
// one our record builder prints, so "what we tell users to publish" is what the checks accept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateDkimKeyPair } from '../../src-mailserver/auth/dkim-keys.js';
import { createResolver } from '../../src-mailserver/dns/resolver.js';
import { buildDomainRecords, type MailSetup } from '../../src-mailserver/dns/records.js';
import { zoneFileText } from '../../src-mailserver/dns/zone-file.js';
import { runDnsChecks } from '../../src-mailserver/dns/checks/run-checks.js';
import type { CheckContext, CheckId, CheckStatus } from '../../src-mailserver/dns/checks/check-types.js';
import { startKnot, zoneHeader, type KnotServer } from '../support/knot.js';

const KNOT = '127.0.6.20';
const IP = '203.0.113.5';
const rsa = generateDkimKeyPair('rsa-sha256');
const ed = generateDkimKeyPair('ed25519-sha256');
const otherRsa = generateDkimKeyPair('rsa-sha256');
const KEYS: MailSetup['dkimKeys'] = [
  { selector: 'rsa1', algorithm: 'rsa-sha256', publicKey: rsa.publicKey, state: 'active' },
  { selector: 'ed1', algorithm: 'ed25519-sha256', publicKey: ed.publicKey, state: 'active' },
];

function setupFor(domain: string, over: Partial<MailSetup> = {}): MailSetup {
  return {
    domain,
    hostname: `mail.${domain}`,
    publicIp: { v4: IP, v6: null },
    dkimKeys: KEYS,
    relay: null,
    ports: { imaps: 993, submissions: 465, pop3s: 995, https: 443 },
    reportAddress: `postmaster@${domain}`,
    dmarcPolicy: 'quarantine',
    mtaStsMode: 'enforce',
    ttl: 60,
    ...over,
  };
}

const z = (zone: string, body: string) => zoneHeader(zone, KNOT) + body + '\n';
const txt = (value: string) => `"${value}"`;

function zones(): Record<string, string> {
  const good = zoneFileText(buildDomainRecords(setupFor('good.test')), { nameservers: ['ns.good.test'] }) + `ns.good.test. A ${KNOT}\n`;
  return {
    'good.test': good,
    'bare.test': z('bare.test', ''),
    'wrong.test': z(
      'wrong.test',
      [
        '@ MX 10 mx.elsewhere.test.',
        'mail A 203.0.113.99',
        `@ TXT ${txt('v=spf1 ip4:198.51.100.1 -all')}`,
        `rsa1._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${otherRsa.publicKey}`)}`,
        `ed1._domainkey TXT ${txt('v=DKIM1; k=ed25519; p=')}`,
        `_dmarc TXT ${txt('v=DMARC1; p=maybe')}`,
        `_smtp._tls TXT ${txt('v=TLSRPTv1;')}`,
      ].join('\n'),
    ),
    'backup.test': z(
      'backup.test',
      [
        '@ MX 5 mx.elsewhere.test.',
        '@ MX 10 mail.backup.test.',
        'mail CNAME host.backup.test.',
        `host A ${IP}`,
        `@ TXT ${txt(`v=spf1 ip4:${IP} -all`)}`,
        `@ TXT ${txt('v=spf1 mx -all')}`,
        `rsa1._domainkey TXT ${txt('v=DKIM2; p=abc')}`,
        `ed1._domainkey TXT ${txt(`v=DKIM1; k=ed25519; p=${ed.publicKey}`)}`,
        `_dmarc TXT ${txt('v=DMARC1; p=reject')}`,
        `_dmarc TXT ${txt('v=DMARC1; p=quarantine')}`,
        `_smtp._tls TXT ${txt('v=TLSRPTv1; rua=mailto:a@backup.test')}`,
        `_smtp._tls TXT ${txt('v=TLSRPTv1; rua=mailto:b@backup.test')}`,
      ].join('\n'),
    ),
    'extra.test': z(
      'extra.test',
      [
        '@ MX 10 mail.extra.test.',
        `mail A ${IP}`,
        'mail A 203.0.113.6',
        `@ TXT ${txt('v=spf1 +all')}`,
        `_dmarc TXT ${txt('v=DMARC1; p=none; rua=mailto:postmaster@extra.test')}`,
        `_smtp._tls TXT ${txt('v=TLSRPTv1; rua=ftp://nope')}`,
      ].join('\n'),
    ),
    'nullmx.test': z('nullmx.test', ['@ MX 0 .', `@ TXT ${txt('v=spf1 ip4:bogus -all')}`, `_dmarc TXT ${txt('v=DMARC1; pct=50')}`].join('\n')),
    'relay.test': z('relay.test', ['@ MX 10 mail.relay.test.', `mail A ${IP}`, `@ TXT ${txt(`v=spf1 ip4:${IP} mx include:spf.relayco.test -all`)}`].join('\n')),
    'relayco.test': z('relayco.test', `spf TXT ${txt('v=spf1 ip4:198.51.100.0/24 -all')}`),
    '113.0.203.in-addr.arpa': z('113.0.203.in-addr.arpa', ['5 PTR mail.good.test.', '7 PTR other.host.test.', '8 PTR mail.bare.test.', '9 PTR mail.extra.test.'].join('\n')),
    '8.b.d.0.1.0.0.2.ip6.arpa': z('8.b.d.0.1.0.0.2.ip6.arpa', ''),
  };
}

let knot: KnotServer;
const cleanups: (() => unknown)[] = [];
before(async () => {
  knot = await startKnot({ after: (fn) => void cleanups.push(fn as () => unknown) }, KNOT, zones());
});
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

async function check(id: CheckId, setup: MailSetup, extra: Partial<CheckContext> = {}) {
  const ctx: CheckContext = { setup, expected: buildDomainRecords(setup), resolver: createResolver(knot.server, { timeoutMs: 2000, tries: 1 }), port25: '127.0.0.1:1', dnsbls: [], ...extra };
  const report = await runDnsChecks(ctx, [id]);
  return report.checks[0]!;
}

const cases: [CheckId, string, () => MailSetup, CheckStatus, RegExp][] = [
  ['mx', 'ours', () => setupFor('good.test'), 'ok', /goes to mail\.good\.test/],
  ['mx', 'missing', () => setupFor('bare.test'), 'error', /has no MX record/],
  ['mx', 'elsewhere', () => setupFor('wrong.test'), 'error', /points to mx\.elsewhere\.test, not to this server/],
  ['mx', 'null MX', () => setupFor('nullmx.test'), 'error', /null MX/],
  ['mx', 'only a backup', () => setupFor('backup.test'), 'warning', /mx\.elsewhere\.test is preferred/],
  ['a', 'ours', () => setupFor('good.test'), 'ok', /resolves to this server's public address/],
  ['a', 'missing', () => setupFor('bare.test'), 'error', /has no A record/],
  ['a', 'wrong address', () => setupFor('wrong.test'), 'error', /resolves to 203\.0\.113\.99, but this server's public IPv4 address is 203\.0\.113\.5/],
  ['a', 'extra address', () => setupFor('extra.test'), 'warning', /also resolves to 203\.0\.113\.6/],
  ['a', 'host is a CNAME', () => setupFor('backup.test'), 'warning', /alias \(CNAME\) of host\.backup\.test/],
  ['a', 'public IP unknown', () => setupFor('good.test', { publicIp: { v4: null, v6: null } }), 'warning', /public IP is unknown/],
  ['ptr', 'FCrDNS', () => setupFor('good.test'), 'ok', /reverse DNS of 203\.0\.113\.5 is mail\.good\.test, which resolves back/],
  ['ptr', 'no PTR', () => setupFor('good.test', { publicIp: { v4: '203.0.113.6', v6: null } }), 'error', /has no reverse DNS/],
  ['ptr', 'other name', () => setupFor('good.test', { publicIp: { v4: '203.0.113.7', v6: null } }), 'error', /is other\.host\.test, not mail\.good\.test/],
  ['ptr', 'no way back', () => setupFor('bare.test', { publicIp: { v4: '203.0.113.8', v6: null } }), 'error', /does not resolve back/],
  ['ptr', 'IPv6 without PTR', () => setupFor('good.test', { publicIp: { v4: IP, v6: '2001:db8::5' } }), 'warning', /2001:db8::5 has no reverse DNS/],
  ['ptr', 'public IP unknown', () => setupFor('good.test', { publicIp: { v4: null, v6: null } }), 'warning', /cannot be checked/],
  ['spf', 'passes', () => setupFor('good.test'), 'ok', /passes for 203\.0\.113\.5/],
  ['spf', 'missing', () => setupFor('bare.test'), 'error', /has no SPF record/],
  ['spf', 'fails for our IP', () => setupFor('wrong.test'), 'error', /gives "fail" for this server's address/],
  ['spf', 'two records', () => setupFor('backup.test'), 'error', /has 2 SPF records/],
  ['spf', 'does not parse', () => setupFor('nullmx.test'), 'error', /invalid \(permerror/],
  ['spf', 'passes everyone', () => setupFor('extra.test'), 'warning', /passes for 192\.0\.2\.77, an address nobody sends from/],
  ['spf', 'relay include missing', () => setupFor('good.test', { relay: { host: 'smtp.relayco.test', spfInclude: 'spf.relayco.test' } }), 'warning', /relayed through smtp\.relayco\.test will fail SPF/],
  ['spf', 'relay included', () => setupFor('relay.test', { relay: { host: 'smtp.relayco.test', spfInclude: 'spf.relayco.test' } }), 'ok', /includes the relay/],
  ['spf', 'public IP unknown', () => setupFor('good.test', { publicIp: { v4: null, v6: null } }), 'warning', /cannot be evaluated/],
  ['dkim', 'both keys match', () => setupFor('good.test'), 'ok', /rsa1, ed1/],
  ['dkim', 'missing', () => setupFor('bare.test'), 'error', /no DKIM record at rsa1\._domainkey\.bare\.test/],
  ['dkim', 'another key and a revoked one', () => setupFor('wrong.test'), 'error', /is not this server's key.*revoked/s],
  ['dkim', 'does not parse', () => setupFor('backup.test'), 'error', /does not parse as a DKIM key/],
  ['dkim', 'next key not yet published', () => setupFor('good.test', { dkimKeys: [...KEYS, { selector: 'rsa2', algorithm: 'rsa-sha256', publicKey: otherRsa.publicKey, state: 'published' }] }), 'warning', /rsa2\._domainkey\.good\.test; .* will sign after the next rotation/],
  ['dmarc', 'quarantine', () => setupFor('good.test'), 'ok', /p=quarantine\. Reports go to mailto:postmaster@good\.test/],
  ['dmarc', 'missing', () => setupFor('bare.test'), 'error', /has no DMARC record/],
  ['dmarc', 'bad policy', () => setupFor('wrong.test'), 'error', /does not parse: p=maybe/],
  ['dmarc', 'no p=', () => setupFor('nullmx.test'), 'error', /the p= tag \(the policy\) is missing/],
  ['dmarc', 'two records', () => setupFor('backup.test'), 'error', /has 2 DMARC records/],
  ['dmarc', 'p=none', () => setupFor('extra.test'), 'warning', /p=none/],
  ['tls-rpt', 'present', () => setupFor('good.test'), 'ok', /go to mailto:postmaster@good\.test/],
  ['tls-rpt', 'missing', () => setupFor('bare.test'), 'warning', /has no TLS-RPT record/],
  ['tls-rpt', 'no rua', () => setupFor('wrong.test'), 'error', /rua= tag .* is missing/],
  ['tls-rpt', 'bad URI', () => setupFor('extra.test'), 'error', /ftp:\/\/nope is neither/],
  ['tls-rpt', 'two records', () => setupFor('backup.test'), 'error', /has 2 TLS-RPT records/],
];

for (const [id, name, setup, status, detail] of cases) {
  test(`${id}: ${name} → ${status}`, async () => {
    const result = await check(id, setup());
    assert.equal(result.status, status, `${result.detail}\n${result.fix}`);
    assert.match(result.detail, detail);
    if (status === 'ok') assert.equal(result.fix, '');
    else assert.ok(result.fix.length > 10, 'a problem comes with a fix');
  });
}

test('fixes quote the exact records to publish', async () => {
  const mx = await check('mx', setupFor('bare.test'));
  assert.match(mx.fix, /^Publish:\nbare\.test\.\t60\tIN\tMX\t10 mail\.bare\.test\.$/);
  const spf = await check('spf', setupFor('wrong.test'));
  assert.match(spf.fix, /wrong\.test\.\t60\tIN\tTXT\t"v=spf1 ip4:203\.0\.113\.5 mx -all"/);
});

test('a DNS server that does not answer is reported as a lookup failure, not as a missing record', async () => {
  const setup = setupFor('good.test');
  const ctx: CheckContext = { setup, expected: buildDomainRecords(setup), resolver: createResolver('127.0.6.29:9', { timeoutMs: 300, tries: 1 }), port25: '127.0.0.1:1', dnsbls: [] };
  const report = await runDnsChecks(ctx, ['mx', 'spf', 'dmarc']);
  for (const c of report.checks) {
    assert.equal(c.status, 'error');
    assert.match(c.detail, /Could not look up/);
  }
});
