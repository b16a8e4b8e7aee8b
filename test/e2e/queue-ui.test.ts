// The queue view end to end: Debian's Chromium against the real `mailserver serve`, a local
// authoritative DNS server (knot) pointing unreachable.test at a loopback address where nothing
// listens. Mail submitted with swaks to that destination waits in the queue (deferred, connection
// refused, explained in words); "Retry now" tries again at once; "Delete" removes it after a
// confirmation and the sender is not told; "Bounce" gives up and the sender gets the report in
// the INBOX. Screenshots: the queue list and the detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { QueueItem, ServerStatus } from '../../src-mailserver/admin/contract.js';
import { adminEndpoint, adminOk } from '../support/admin.js';
import { openBrowser } from '../support/browser.js';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { readMessages } from '../support/maildir-reader.js';
import { run, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const DNS = '127.0.7.61';
const NOWHERE = '127.0.7.62';
const PEER = '127.0.7.63';

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a message to an unreachable destination: deferred, retried, deleted; another bounced to its sender', async (t) => {
  const knot = await startKnot(t, DNS, {
    'unreachable.test': zoneHeader('unreachable.test', DNS) + `@ MX 10 mx.unreachable.test.\nmx A ${NOWHERE}\n`,
    'reachable.test': zoneHeader('reachable.test', DNS) + `@ MX 10 mx.reachable.test.\nmx A ${PEER}\n`,
  });
  const peer = await startSmtpSink(t, { address: PEER });
  const dir = await makeTempDir();
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp', 'submission', 'admin'], ['--dns', knot.server]));
  t.after(() => dir.remove()); // after the server's own stop, registered above
  const admin = adminEndpoint(server);
  await adminOk(admin, 'domains.add', { name: 'example.test' });
  await adminOk(admin, 'accounts.add', { address: 'me@example.test', password: 'a long enough passphrase' });
  await adminOk(admin, 'wizard.save', { finished: true });

  const submit = async (subject: string, to = 'friend@unreachable.test') => {
    const r = await run('swaks', [
      '--server', `127.0.0.1:${server.ports.submission}`, '--tls', '--auth', 'PLAIN', '--auth-user', 'me@example.test', '--auth-password', 'a long enough passphrase',
      '--from', 'me@example.test', '--to', to, '--header', `Subject: ${subject}`, '--body', 'are you there?',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return /queued as (\S+)/.exec(r.stdout)![1]!;
  };
  const first = await submit('first try');
  const items = () => adminOk<QueueItem[]>(admin, 'queue.list');
  await until(async () => (await items()).some((i) => i.id === first && i.attempts >= 1), 'the first delivery attempt');

  const { page, screenshot } = await openBrowser(t);
  await page.goto(admin.url);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Queue/ }).click();
  const row = page.getByRole('row').filter({ hasText: first });
  await row.waitFor();
  assert.match(await row.innerText(), /me@example\.test\s+friend@unreachable\.test\s+deferred/);
  assert.match(await row.innerText(), /ECONNREFUSED|refused/i);
  await screenshot('queue');

  await page.getByRole('button', { name: `Details of ${first}` }).click();
  const detail = page.getByRole('complementary', { name: `Queued message ${first}` });
  await detail.waitFor();
  await detail.getByText(/refused the connection on port 25/).first().waitFor();
  assert.match(await detail.innerText(), /first try/);
  await screenshot('queue-detail');

  // Retry now: a second attempt at once (the schedule would wait minutes).
  const before = (await items()).find((i) => i.id === first)!.attempts;
  await detail.getByRole('button', { name: 'Retry now' }).click();
  await until(async () => (await items()).find((i) => i.id === first)!.attempts > before, 'the retry');
  await detail.getByText(`${before + 1} tries`).waitFor();

  // Hold and release.
  await detail.getByRole('button', { name: 'Hold' }).click();
  await row.locator('.badge', { hasText: 'held' }).waitFor();
  await detail.getByRole('button', { name: 'Release' }).click();
  await until(async () => (await items()).find((i) => i.id === first)!.state !== 'held', 'the release');

  // Delete, confirmed in a dialog: gone from the view, the server and the spool.
  await detail.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Remove the message without telling the sender.').waitFor();
  await screenshot('queue-delete-confirm');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(await items(), []);
  const spool = await readdir(join(dir.path, 'queue'), { recursive: true });
  assert.ok(!spool.some((f) => String(f).includes(first)), `spool files of ${first} removed: ${spool.join(', ')}`);

  // Bounce: the sender gets the delivery report in the INBOX.
  const second = await submit('second try');
  const secondRow = page.getByRole('row').filter({ hasText: second });
  await secondRow.waitFor();
  await page.getByRole('button', { name: `Details of ${second}` }).click();
  await page.getByRole('complementary', { name: `Queued message ${second}` }).getByRole('button', { name: 'Bounce' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Bounce' }).click();
  await secondRow.waitFor({ state: 'detached' });
  const inbox = join(dir.path, 'mail/example.test/me');
  await until(async () => (await readMessages(inbox)).some((m) => /second try/.test(m) && /multipart\/report/i.test(m)), 'the bounce in the INBOX');
  await page.getByText('The queue is empty').waitFor();

  // A destination that answers: delivered, counted as sent on the dashboard.
  await submit('hello there', 'friend@reachable.test');
  await peer.waitForMessages(1);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const sent = page.locator('.stat', { hasText: 'Sent today' }).locator('.stat-value');
  await until(async () => (await sent.innerText()) === '1', 'the sent counter');
  const status = await adminOk<ServerStatus>(admin, 'status.get');
  assert.ok(status.counters.deferred >= 2, `deferred today: ${status.counters.deferred}`);
  assert.equal(status.counters.sent, 1);
  assert.equal(status.queue!.total, 0);
  // The deferrals are among the recent warnings (the lower half of the dashboard).
  const recent = page.locator('.card', { hasText: 'Recent warnings and errors' }).locator('li', { hasText: 'deferred' }).first();
  await recent.waitFor();
  assert.match(await recent.innerText(), /^WARN\s+[\d:]+\s+queue\s+deferred\s+to=friend@unreachable\.test queueId=\w+$/);
  await recent.scrollIntoViewIfNeeded();
  await screenshot('dashboard-after-queue');
});
