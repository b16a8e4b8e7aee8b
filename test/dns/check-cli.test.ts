// `mailserver dns check` end to end: knot serves the zone `mailserver dns records` printed (plus
// the PTR and a blocklist zone), the real `mailserver serve` answers MTA-STS on 443 with a
// certificate of the user's own, a real SMTP server plays the port-25 test host. A correct domain
// passes every check; a broken one fails with the exact fixes and exit code 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startKnot, zoneHeader } from '../support/knot.js';
import { makeTestCa } from '../support/test-ca.js';
import { makeTempDir } from '../support/temp-dir.js';
import { mailserver, spawnServer } from '../support/processes.js';
import { peerAddress } from '../support/peer-address.js';

const KNOT = '127.0.6.80';

test('dns check: every check ok for a correct zone; errors with fixes for a broken one', async (t) => {
  // Fixed ports (25, 443): random free addresses, so a run of this file from another worktree does not collide.
  const SMTP_PEER = await peerAddress('127.0.6', [25]);
  const SERVER = await peerAddress('127.0.6', [443]);
  const data = await makeTempDir();
  t.after(() => data.remove());
  const ca = await makeTestCa();
  t.after(() => ca.remove());
  const pair = await ca.issue(['mail.good.test', 'mta-sts.good.test', 'autoconfig.good.test', 'mta-sts.broken.test']);
  await writeFile(join(data.path, 'cert.pem'), pair.cert);
  await writeFile(join(data.path, 'key.pem'), pair.key);
  const caFile = join(data.path, 'ca.pem');
  await writeFile(caFile, ca.cert);
  const peer = new SMTPServer({ authOptional: true, logger: false });
  await new Promise<void>((resolve) => peer.listen(25, SMTP_PEER, () => resolve()));
  t.after(() => void peer.close());
  await writeFile(
    join(data.path, 'config.json'),
    JSON.stringify({
      hostname: 'mail.good.test',
      tls: { certFile: join(data.path, 'cert.pem'), keyFile: join(data.path, 'key.pem') },
      network: { port25TestHost: `${SMTP_PEER}:25`, dnsbls: ['bl.test'], publicIpWatchMinutes: 0 },
    }),
  );
  for (const d of ['good.test', 'broken.test']) assert.equal((await mailserver(['domain', 'add', d, '--data', data.path])).code, 0);
  const zone = await mailserver(['dns', 'records', 'good.test', '--data', data.path, '--public-ip', SERVER, '--soa', 'ns.good.test']);
  assert.equal(zone.code, 0, zone.stderr);
  const knot = await startKnot(t, KNOT, {
    'good.test': zone.stdout,
    'broken.test': zoneHeader('broken.test', KNOT) + ['@ MX 10 mx.elsewhere.test.', '@ TXT "v=spf1 ip4:198.51.100.1 -all"', '@ TXT "v=spf1 mx -all"', '_dmarc TXT "v=DMARC1; p=none"', '_mta-sts TXT "v=STSv1; id=1"', `mta-sts A ${SERVER}`].join('\n') + '\n',
    '6.0.127.in-addr.arpa': zoneHeader('6.0.127.in-addr.arpa', KNOT) + `${SERVER.split('.')[3]} PTR mail.good.test.\n`,
    'bl.test': zoneHeader('bl.test', KNOT) + '2.0.0.127 A 127.0.0.2\n',
  });
  const ports = ['smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'http', 'admin'].flatMap((p) => [`--${p}-port`, 'off']);
  await spawnServer(t, ['--data', data.path, '--listen', SERVER, '--https-port', '443', ...ports]);

  const env = { ...process.env, NODE_EXTRA_CA_CERTS: caFile };
  const args = (domain: string, json: boolean) => ['dns', 'check', domain, '--data', data.path, '--dns', knot.server, '--public-ip', SERVER, ...(json ? ['--json'] : [])];
  const good = await mailserver(args('good.test', true), { env });
  assert.equal(good.code, 0, good.stdout + good.stderr);
  const report = JSON.parse(good.stdout) as { domain: string; checks: { id: string; status: string; detail: string; fix: string }[] };
  assert.equal(report.domain, 'good.test');
  assert.deepEqual(report.checks.map((c) => c.id), ['mx', 'a', 'ptr', 'spf', 'dkim', 'dmarc', 'mta-sts', 'tls-rpt', 'port25', 'dnsbl']);
  for (const c of report.checks) {
    assert.equal(c.status, 'ok', `${c.id}: ${c.detail}`);
    assert.deepEqual(Object.keys(c), ['id', 'status', 'detail', 'fix']);
  }
  const text = await mailserver(args('good.test', false), { env });
  assert.match(text.stdout, /^10 ok, 0 warning\(s\), 0 error\(s\)$/m);
  if (process.env.SHOW_DNS_CHECK) process.stderr.write(text.stdout);

  const broken = await mailserver(args('broken.test', true), { env });
  assert.equal(broken.code, 1, 'an error makes the exit code 1');
  const b = Object.fromEntries((JSON.parse(broken.stdout) as typeof report).checks.map((c) => [c.id, c]));
  assert.equal(b.mx!.status, 'error');
  assert.match(b.mx!.fix, /broken\.test\.\t300\tIN\tMX\t10 mail\.good\.test\./);
  assert.equal(b.spf!.status, 'error');
  assert.match(b.spf!.detail, /has 2 SPF records/);
  assert.equal(b.dkim!.status, 'error');
  assert.match(b.dkim!.fix, /rsa\d{6}\._domainkey\.broken\.test\.\t300\tIN\tTXT\t\( "v=DKIM1; k=rsa; p=/);
  assert.equal(b.dmarc!.status, 'warning');
  assert.equal(b['tls-rpt']!.status, 'warning');
  assert.equal(b['mta-sts']!.status, 'warning', b['mta-sts']!.detail);
  assert.match(b['mta-sts']!.detail, /has id=1 instead of id=/);
  const brokenText = await mailserver(args('broken.test', false), { env });
  if (process.env.SHOW_DNS_CHECK) process.stderr.write(brokenText.stdout);
  assert.match(brokenText.stdout, /^ERROR +mx +The MX of broken\.test points to mx\.elsewhere\.test/m);
});
