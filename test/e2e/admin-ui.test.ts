// The admin UI end to end: Debian's Chromium (playwright-core) against the real `mailserver serve`
// with a temp data dir, a local authoritative DNS server (knot) and SMTP peers on loopback. The
// whole setup wizard: host name and public IP, domain, account, certificate, the DNS records
// downloaded from the page and published in knot until the checks turn green, the port-25 test
// failing (nothing listens at the test host) and the relay set up in its place with a test send
// through a relay that wants STARTTLS and AUTH, client settings, summary; the wizard left and
// resumed half-way. Then an account from the Accounts screen, a message sent with swaks in the
// live log view and the counters, and a screenshot of every screen in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { AccountInfo, AliasInfo, DnsCheckReport, DnsRecords, DomainInfo } from '../../src-mailserver/admin/contract.js';
import { adminEndpoint, adminOk } from '../support/admin.js';
import { openBrowser } from '../support/browser.js';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { makeTestCa } from '../support/test-ca.js';
import { run, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

// Page-side expressions are strings: the test files are typechecked without the DOM library.
const RECEIVED_IS_ONE = "document.querySelector('.stat .stat-value')?.textContent === '1'";

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until an expression is true in the page. Not page.waitForFunction: when it has to poll,
 * it evaluates the expression with eval, which the admin page's CSP (script-src 'self') refuses. */
async function pageUntil(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stepTitle(page: Page): Promise<string> {
  return (await page.locator('#step-title').textContent()) ?? '';
}

/** GET a link whose host is this server's name (not in any resolver here): sent to 127.0.0.1. */
function httpGet(url: string, type: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: Number(u.port), path: u.pathname + u.search, headers: { host: u.host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        if (res.statusCode !== 200 || !String(res.headers['content-type']).includes(type)) reject(new Error(`${url}: ${res.statusCode} ${res.headers['content-type']}`));
        else resolve(body);
      });
    })
      .on('error', reject)
      .end();
  });
}

const DNS = '127.0.7.70';
const PUBLIC_IP = '127.0.7.71';
const NO_PORT25 = '127.0.7.73';
const RELAY = '127.0.7.74';

test('the setup wizard, an account, and a message in the log view and the counters', async (t) => {
  const dir = await makeTempDir();
  const knot = await startKnot(t, DNS, { 'example.test': zoneHeader('example.test', DNS) });
  const ca = await makeTestCa();
  t.after(() => ca.remove());
  const relayCert = await ca.issue([RELAY]);
  // Any free port: the relay form takes one (a fixed port would collide with other checkouts running this file).
  const relay = await startSmtpSink(t, { address: RELAY, port: 0, tls: relayCert, auth: { user: 'relayuser', pass: 'relay-pass' } });
  writeFileSync(join(dir.path, 'ca.pem'), ca.cert);
  writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ network: { port25TestHost: `${NO_PORT25}:25`, dnsbls: [] } }));
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp', 'submission', 'smtps', 'imaps', 'http', 'admin'], ['--dns', knot.server, '--public-ip', PUBLIC_IP]), {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir.path, 'ca.pem') },
  });
  t.after(() => dir.remove()); // after the server's own stop, registered above
  const admin = adminEndpoint(server);
  const { context, page, screenshot } = await openBrowser(t);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: admin.base });

  // First visit with the printed address: the token becomes a cookie, setup opens by itself.
  await page.goto(admin.url);
  assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
  await page.getByRole('heading', { name: 'Set up your mail server' }).waitFor();
  assert.equal(await stepTitle(page), 'Host name and public address');
  const hostname = page.getByLabel('Host name of this mail server');
  await pageUntil(page, "document.getElementById('wiz-hostname')?.value === 'mail.example.test'");
  await page.getByText(`${PUBLIC_IP} (set by you)`).waitFor();
  await screenshot('wizard-1-host');
  await hostname.fill('mail.example.test');
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.getByRole('heading', { name: 'Your domain' }).waitFor();
  assert.equal(await page.getByLabel('Domain', { exact: true }).inputValue(), 'example.test', 'guessed from the host name');
  await screenshot('wizard-2-domain');
  await page.getByRole('button', { name: 'Add domain and continue' }).click();

  await page.getByRole('heading', { name: 'Your first account' }).waitFor();
  await page.getByLabel('Address', { exact: true }).fill('me');
  await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
  await page.getByLabel('Password again').fill('a long enough passphrase');
  await screenshot('wizard-3-account');
  await page.getByRole('button', { name: 'Create account and continue' }).click();
  await page.getByRole('heading', { name: 'Certificate' }).waitFor();

  // Leave and come back: the wizard resumes at the same step, earlier steps done.
  await page.goto(`${admin.base}/`);
  await page.getByRole('heading', { name: 'Certificate' }).waitFor();
  const steps = page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button');
  assert.equal(await steps.nth(0).isEnabled(), true, 'a done step is clickable');
  assert.equal(await steps.nth(3).getAttribute('aria-current'), 'step');
  assert.equal(await steps.nth(5).isDisabled(), true, 'a later step is not');
  assert.match(await steps.nth(2).innerText(), /Account/);
  await screenshot('wizard-4-certificate');
  await page.getByLabel(/Self-signed for now/).check();
  await page.getByRole('button', { name: 'Continue' }).click();

  // DNS: what to publish, then published (the zone file downloaded from the page, loaded into
  // knot), re-checked until the required records are green.
  await page.locator('#step-title').filter({ hasText: 'DNS records for example.test' }).waitFor();
  await page.getByRole('cell', { name: 'MX', exact: true }).first().waitFor();
  await page.getByText(/\d+ errors · checked/).waitFor();
  await screenshot('wizard-5-dns');
  assert.equal(await page.getByRole('button', { name: 'Continue without waiting' }).count(), 1);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download zone file' }).click()]);
  assert.equal(download.suggestedFilename(), 'example.test.zone');
  const zone = readFileSync((await download.path())!, 'utf8');
  assert.match(zone, /^example\.test\.\t300\tIN\tMX\t10 mail\.example\.test\.$/m);
  assert.match(zone, /_domainkey\.example\.test\.\t300\tIN\tTXT\t\( "v=DKIM1; k=rsa; p=/);
  // Each record has its copy button: what lands on the clipboard is the value to publish.
  const records = await adminOk<DnsRecords>(admin, 'dns.records', { domain: 'example.test' });
  const mx = records.records.find((r) => r.type === 'MX')!;
  const copyMx = page.getByRole('button', { name: `Copy the MX value for ${mx.name}` });
  await copyMx.click();
  await copyMx.getByText('Copied').waitFor();
  assert.equal(await page.evaluate('navigator.clipboard.readText()'), mx.value);
  // Published: no click needed, the step re-checks by itself (every 15 s) until it is green.
  await knot.setZones({ 'example.test': zoneHeader('example.test', DNS, 2) + zone });
  await page.getByRole('button', { name: 'Continue', exact: true }).waitFor({ timeout: 60_000 });
  for (const check of ['MX', 'A / AAAA of the mail host', 'SPF', 'DKIM', 'DMARC']) {
    assert.equal(await page.locator('.checklist li', { hasText: check }).first().locator('.dot.ok').count(), 1, `${check} is green`);
  }
  await screenshot('wizard-5-dns-green');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  // Port 25 blocked (nothing answers at the test host): the relay form is right there.
  await page.getByRole('heading', { name: 'Sending test' }).waitFor();
  await page.getByRole('button', { name: 'Run the test' }).click();
  await page.getByText('Port 25 seems blocked').waitFor({ timeout: 30_000 });
  const timeline = page.getByRole('list', { name: `Test of ${NO_PORT25}:25` });
  assert.match(await timeline.innerText(), /Connect to port 25/);
  assert.equal(await timeline.locator('li.error').count(), 1);
  await page.getByLabel('Send outgoing mail through a relay').check();
  await page.getByLabel('Relay host').fill(RELAY);
  await page.getByLabel('Port and security').fill(String(relay.port));
  await page.getByLabel('User name').fill('relayuser');
  await page.getByLabel('Password', { exact: true }).fill('relay-pass');
  await page.getByRole('button', { name: 'Save relay' }).click();
  await page.getByText(`Mail now goes through ${RELAY}`).waitFor();
  await page.getByLabel('Test message recipient').fill('friend@elsewhere.test');
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByText(`${RELAY} accepted the test message`).waitFor({ timeout: 30_000 });
  const [relayed] = await relay.waitForMessages(1);
  assert.deepEqual([relayed!.user, relayed!.secure, relayed!.to], ['relayuser', true, ['friend@elsewhere.test']]);
  assert.doesNotMatch(readFileSync(join(dir.path, 'config.json'), 'utf8'), /relay-pass/, 'the password is not in config.json');
  await screenshot('wizard-6-port25');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  await page.getByRole('heading', { name: 'Set up your mail apps' }).waitFor();
  await page.getByText('me@example.test').first().waitFor();
  const clientRows = page.locator('.wizard table tbody tr');
  await clientRows.first().waitFor();
  assert.deepEqual(
    (await clientRows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim()),
    [
      `IMAP (incoming) recommended mail.example.test ${server.ports.imaps} SSL/TLS`,
      `SMTP (outgoing) recommended mail.example.test ${server.ports.smtps} SSL/TLS`,
      `SMTP (outgoing) mail.example.test ${server.ports.submission} STARTTLS`,
    ],
  );
  // The automatic-setup links, fetched from the web listener as a mail app would.
  const autoconfig = await page.getByRole('link', { name: 'the autoconfig file' }).getAttribute('href');
  assert.match(await httpGet(autoconfig!, 'application/xml'), new RegExp(`<incomingServer type="imap">[\\s\\S]*<port>${server.ports.imaps}</port>`));
  const profile = await page.getByRole('link', { name: 'download the configuration profile' }).getAttribute('href');
  assert.match(await httpGet(profile!, 'application/x-apple-aspen-config'), /<string>me@example\.test<\/string>/);
  await screenshot('wizard-7-clients');
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.getByRole('heading', { name: 'Summary' }).waitFor();
  await page.getByText('me@example.test').waitFor();
  await screenshot('wizard-8-summary');
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

  // What the wizard made, as the server sees it.
  const domains = await adminOk<DomainInfo[]>(admin, 'domains.list');
  assert.deepEqual(
    domains.map((d) => [d.name, d.dkimSelectors.length, d.missingRoleAddresses.length]),
    [['example.test', 2, 0]],
  );
  const aliases = await adminOk<AliasInfo[]>(admin, 'aliases.list');
  assert.deepEqual(aliases.map((a) => `${a.address}>${a.targets.join(',')}`).sort(), ['abuse@example.test>me@example.test', 'postmaster@example.test>me@example.test']);
  assert.ok(existsSync(join(dir.path, 'mail/example.test/me/new')));
  assert.equal((await adminOk<{ finished: boolean }>(admin, 'wizard.get')).finished, true);
  assert.equal(await page.getByRole('link', { name: 'Finish setup' }).count(), 0);

  // An account from the Accounts screen.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
  await page.getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
  await page.getByLabel('Address', { exact: true }).fill('second');
  await page.getByLabel('Password', { exact: true }).fill('another long passphrase');
  await page.getByLabel('Password again').fill('another long passphrase');
  await page.getByLabel('Quota (optional)').fill('1G');
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.getByRole('rowheader', { name: 'second@example.test' }).waitFor();
  await screenshot('accounts');
  const accounts = await adminOk<AccountInfo[]>(admin, 'accounts.list');
  assert.deepEqual(
    accounts.map((a) => [a.address, a.quotaBytes]),
    [
      ['me@example.test', null],
      ['second@example.test', 1024 ** 3],
    ],
  );

  // Quota, disable and remove (confirmed; cancel keeps it) from the table.
  const secondRow = page.getByRole('row').filter({ hasText: 'second@example.test' });
  await secondRow.getByRole('button', { name: 'Set quota' }).click();
  const quotaDialog = page.getByRole('dialog', { name: 'Quota for second@example.test' });
  await quotaDialog.getByLabel('Size').fill('2G');
  await quotaDialog.getByRole('button', { name: 'Set quota' }).click();
  await secondRow.getByText('of 2.0 GB').waitFor();
  await secondRow.getByRole('button', { name: 'Disable' }).click();
  await secondRow.getByText('disabled').waitFor();
  await secondRow.getByRole('button', { name: 'Remove second@example.test' }).click();
  const confirmRemove = page.getByRole('dialog');
  await confirmRemove.getByText(/all its mail .* are deleted/).waitFor();
  await screenshot('accounts-confirm-remove');
  await confirmRemove.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await secondRow.count(), 1, 'cancel keeps the account');
  await secondRow.getByRole('button', { name: 'Remove second@example.test' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove account and mail' }).click();
  await secondRow.waitFor({ state: 'detached' });
  assert.deepEqual(
    (await adminOk<AccountInfo[]>(admin, 'accounts.list')).map((a) => a.address),
    ['me@example.test'],
  );
  assert.equal(existsSync(join(dir.path, 'mail/example.test/second')), false);

  // An alias with a local and a remote target; the local account may send as it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Aliases' }).click();
  await page.getByLabel('Address', { exact: true }).fill('sales');
  await page.getByLabel('Deliver to').fill('me@example.test, friend@elsewhere.test');
  await page.getByRole('button', { name: 'Add alias' }).click();
  const salesRow = page.getByRole('row').filter({ hasText: 'sales@example.test' });
  await salesRow.waitFor();
  assert.match(await salesRow.innerText(), /friend@elsewhere\.test, me@example\.test\s+me@example\.test/);

  // Domains: a bad name is refused with the server's reason; another domain added and removed.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Domains' }).click();
  await page.getByLabel('Domain name').fill('bad domain');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await page.getByText('invalid domain name: "bad domain"').waitFor();
  await page.getByLabel('Domain name').fill('other.test');
  await page.getByRole('button', { name: 'Add domain' }).click();
  const otherRow = page.getByRole('row').filter({ hasText: 'other.test' });
  await otherRow.waitFor();
  assert.match(await otherRow.innerText(), /Other servers expect postmaster@other\.test and abuse@other\.test/);
  await otherRow.getByRole('button', { name: 'Remove other.test' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove domain' }).click();
  await otherRow.waitFor({ state: 'detached' });

  // A message from swaks: in the live log view and the dashboard's counters.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
  await page.getByRole('grid', { name: 'Log lines' }).waitFor();
  const swaks = await run('swaks', ['--server', `127.0.0.1:${server.ports.smtp}`, '--from', 'bob@remote.test', '--to', 'me@example.test', '--header', 'Subject: hello from swaks', '--body', 'hi']);
  assert.equal(swaks.code, 0, swaks.stdout + swaks.stderr);
  const queueId = /queued as (\S+)/.exec(swaks.stdout)![1]!;
  const row = page.getByRole('row').filter({ hasText: 'message accepted' });
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(`queueId=${queueId}`));
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('domain:remote.test');
  await pageUntil(page, "document.querySelectorAll('.vrow').length === 1");
  await row.click();
  const detail = page.getByRole('complementary', { name: 'Log line details' });
  await detail.getByRole('button', { name: queueId }).click();
  await page.getByText(`id ${queueId}`).waitFor();
  await screenshot('logs');
  await page.getByRole('button', { name: 'Remove the id filter' }).click();
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const received = page.locator('.stat', { hasText: 'Received today' }).locator('.stat-value');
  await pageUntil(page, RECEIVED_IS_ONE);
  assert.equal(await received.innerText(), '1');
  await screenshot('dashboard');

  for (const [name, heading] of [
    ['domains', 'Domains'],
    ['aliases', 'Aliases'],
    ['dns', 'DNS for example.test'],
    ['queue', 'Queue'],
    ['settings', 'Settings'],
  ] as const) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: name === 'dns' ? 'DNS' : heading }).click();
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    if (name === 'dns') {
      // The page checks once on opening (then every minute); "Check now" checks again at once.
      await pageUntil(page, "[...document.querySelectorAll('button')].some((b) => b.textContent === 'Check now' && !b.disabled)");
      const checkedAt = async () => (await adminOk<DnsCheckReport | null>(admin, 'dns.lastCheck', { domain: 'example.test' }))?.checkedAt ?? 0;
      const before = await checkedAt();
      await page.getByRole('button', { name: 'Check now' }).click();
      const deadline = Date.now() + 30_000;
      while ((await checkedAt()) <= before) {
        assert.ok(Date.now() < deadline, 'a new check after Check now');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await screenshot(name === 'queue' ? 'queue-empty' : name);
  }

  // A setting that needs a restart: the banner offers it, the page reconnects by itself.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Recipients per message').fill('50');
  await page.getByRole('button', { name: 'Save limits' }).click();
  const banner = page.getByText('Some changed settings apply after a restart.');
  await banner.waitFor();
  const readyLines = () => server.lines.filter((l) => l.startsWith('{"ready":true')).length;
  assert.equal(readyLines(), 1);
  await page.getByRole('button', { name: 'Restart now' }).click();
  await banner.waitFor({ state: 'detached' });
  await until(() => readyLines() === 2, 'the restart');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByText('Running', { exact: true }).first().waitFor();
  assert.equal((await adminOk<{ limits: { maxRecipients: number } }>(admin, 'settings.get')).limits.maxRecipients, 50);

  // The same UI in the dark theme at 1920x1080.
  const dark = await openBrowser(t, { viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
  await dark.page.goto(admin.url);
  await dark.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await pageUntil(dark.page, RECEIVED_IS_ONE);
  const bg = await dark.page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
  assert.equal(bg, 'rgb(14, 17, 22)', 'dark background from the OS preference');
  await dark.screenshot('dashboard-dark-1920');
  await dark.page.goto(`${admin.base}/#/logs`);
  await dark.page.getByRole('row').filter({ hasText: 'message accepted' }).waitFor();
  await dark.screenshot('logs-dark-1920');
});
