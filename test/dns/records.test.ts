// `mailserver dns records`: the zone text loads into a real Knot DNS server as printed, and what
// knot then answers (dig) is what the structured records say. Builder cases: the smarthost's SPF
// include, long DKIM TXT split into strings, a host outside the domain, unknown public IP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDomainRecords, spfRecordValue, type MailSetup } from '../../src-mailserver/dns/records.js';
import { quoteTxt, zoneFileText } from '../../src-mailserver/dns/zone-file.js';
import { ptrName, reversedLabels, parsePublicIp, isGlobalAddress } from '../../src-mailserver/dns/public-address.js';
import { makeTempDir } from '../support/temp-dir.js';
import { mailserver, run } from '../support/processes.js';
import { startKnot } from '../support/knot.js';

const KNOT_ADDRESS = '127.0.6.10';

function setup(over: Partial<MailSetup> = {}): MailSetup {
  return {
    domain: 'example.test',
    hostname: 'mail.example.test',
    publicIp: { v4: '203.0.113.5', v6: null },
    dkimKeys: [],
    relay: null,
    ports: { imaps: 993, submissions: 465, pop3s: 995, https: 443 },
    reportAddress: 'postmaster@example.test',
    dmarcPolicy: 'quarantine',
    mtaStsMode: 'enforce',
    ttl: 300,
    ...over,
  };
}

test('SPF names our addresses, mx and the smarthost (its documented include, else a:HOST)', () => {
  assert.equal(spfRecordValue(setup()), 'v=spf1 ip4:203.0.113.5 mx -all');
  assert.equal(spfRecordValue(setup({ publicIp: { v4: '203.0.113.5', v6: '2001:db8::5' }, relay: { host: 'smtp.relay.test', spfInclude: 'spf.relay.test' } })), 'v=spf1 ip4:203.0.113.5 ip6:2001:db8::5 mx include:spf.relay.test -all');
  assert.equal(spfRecordValue(setup({ relay: { host: 'smtp.relay.test' } })), 'v=spf1 ip4:203.0.113.5 mx a:smtp.relay.test -all');
});

test('the relay settings (config.relay) feed the SPF record: its documented include, else a:HOST', async (t) => {
  const { loadConfig } = await import('../../src-mailserver/config/config.js');
  const { mailSetupFor } = await import('../../src-mailserver/dns/mail-setup.js');
  const data = await makeTempDir();
  t.after(() => data.remove());
  const withInclude = loadConfig(data.path, { hostname: 'mail.example.test', relay: { host: 'smtp.relayco.test', spfInclude: 'spf.relayco.test' } });
  const setupA = mailSetupFor({ config: withInclude, domain: 'example.test', dkim: { published: () => [] }, publicIp: { v4: '203.0.113.5', v6: null } });
  assert.equal(spfRecordValue(setupA), 'v=spf1 ip4:203.0.113.5 mx include:spf.relayco.test -all');
  const bare = loadConfig(data.path, { relay: { host: 'smtp.relayco.test', scope: 'domains', domains: ['gmail.com'] } });
  const setupB = mailSetupFor({ config: bare, domain: 'example.test', dkim: { published: () => [] }, publicIp: { v4: '203.0.113.5', v6: null } });
  assert.equal(spfRecordValue(setupB), 'v=spf1 ip4:203.0.113.5 mx a:smtp.relayco.test -all');
  assert.equal(setupB.relayScope, 'domains');
});

test('TXT values longer than 255 bytes are split into strings; quotes and backslashes escaped', () => {
  const long = 'p=' + 'A'.repeat(400);
  const quoted = quoteTxt(long);
  const strings = [...quoted.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  assert.equal(strings.length, 2);
  assert.equal(strings[0]!.length, 255);
  assert.equal(strings.join(''), long);
  assert.equal(quoteTxt('a"b\\c'), '"a\\"b\\\\c"');
});

test('reverse names and public address parsing', () => {
  assert.equal(ptrName('203.0.113.5'), '5.113.0.203.in-addr.arpa');
  assert.equal(reversedLabels('2001:db8::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2');
  assert.deepEqual(parsePublicIp('203.0.113.5, 2001:DB8::1'), { v4: '203.0.113.5', v6: '2001:db8::1' });
  assert.throws(() => parsePublicIp('mail.example.test'), /invalid public IP/);
  assert.equal(isGlobalAddress('192.168.1.2'), false);
  assert.equal(isGlobalAddress('100.64.0.1'), false);
  assert.equal(isGlobalAddress('8.8.8.8'), true);
  assert.equal(isGlobalAddress('fd00::1'), false);
  assert.equal(isGlobalAddress('2a00:1450::1'), true);
});

test('a host outside the domain and an unknown IP become notes and commented records, not bad zone data', () => {
  const set = buildDomainRecords(setup({ hostname: 'mx.provider.test', publicIp: { v4: null, v6: null } }));
  assert.ok(set.notes.some((n) => /public IP address is unknown/.test(n)));
  assert.ok(set.notes.some((n) => /outside example\.test/.test(n)));
  assert.equal(set.records.filter((r) => r.type === 'A').length, 0);
  const text = zoneFileText(set);
  for (const line of text.split('\n').filter((l) => l && !l.startsWith(';') && !l.startsWith('$'))) {
    assert.match(line, /^(\S+\.)?example\.test\.\t/, `out-of-zone line: ${line}`);
  }
  const required = set.records.filter((r) => r.level === 'required').map((r) => `${r.type} ${r.name}`);
  assert.deepEqual(required, ['MX example.test', 'TXT example.test', 'TXT _dmarc.example.test']);
});

test('dns records prints a zone that knot loads as is; knot then answers every record', async (t) => {
  const data = await makeTempDir();
  t.after(() => data.remove());
  assert.equal((await mailserver(['domain', 'add', 'example.test', '--data', data.path])).code, 0);
  await import('node:fs/promises').then((fs) => fs.writeFile(`${data.path}/config.json`, JSON.stringify({ hostname: 'mail.example.test' })));
  const zone = await mailserver(['dns', 'records', 'example.test', '--data', data.path, '--public-ip', '203.0.113.5,2001:db8::5', '--soa', 'ns.example.test']);
  assert.equal(zone.code, 0, zone.stderr);
  assert.match(zone.stdout, /^\$ORIGIN example\.test\.$/m);
  const json = await mailserver(['dns', 'records', 'example.test', '--data', data.path, '--public-ip', '203.0.113.5,2001:db8::5', '--json']);
  const parsed = JSON.parse(json.stdout) as { records: { name: string; type: string; value: string; level: string; purpose: string; zone: string }[]; mtaStsPolicy: string };
  assert.ok(parsed.records.every((r) => r.purpose.length > 10 && ['required', 'recommended', 'optional'].includes(r.level)));
  assert.equal(parsed.records.filter((r) => r.type === 'TXT' && r.name.includes('._domainkey.')).length, 2);

  const knot = await startKnot(t, KNOT_ADDRESS, { 'example.test': zone.stdout });
  const dig = async (name: string, type: string) => {
    const r = await run('dig', ['+short', `@${knot.address}`, '-p', String(knot.port), name, type]);
    return r.stdout.trim();
  };
  for (const record of parsed.records.filter((r) => r.zone === 'domain')) {
    const answer = await dig(record.name, record.type);
    if (record.type === 'TXT') {
      const joined = answer.split('\n').map((line) => [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join(''));
      assert.ok(joined.includes(record.value), `${record.name} TXT: ${answer}`);
    } else {
      const want = record.type === 'A' || record.type === 'AAAA' ? record.value : `${record.value}${record.value.endsWith('.') ? '' : '.'}`;
      assert.ok(answer.split('\n').includes(want), `${record.name} ${record.type}: got ${answer}, want ${want}`);
    }
  }
  assert.doesNotMatch(await knot.log(), /error|ignoring/i);
});

test('dns records refuses an unknown domain and bad flags', async (t) => {
  const data = await makeTempDir();
  t.after(() => data.remove());
  const r = await mailserver(['dns', 'records', 'nowhere.test', '--data', data.path]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no such domain: nowhere\.test/);
  const bad = await mailserver(['dns', 'records', 'nowhere.test', '--data', data.path, '--public-ip', 'not-an-ip']);
  assert.equal(bad.code, 1);
  const usage = await mailserver(['dns', 'frobnicate', 'x.test', '--data', data.path]);
  assert.equal(usage.code, 2);
});
