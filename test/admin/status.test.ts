// The server status the dashboard and the tray show, from a real in-process server: a DNS check
// failing against a local knot, a certificate (made by openssl) expiring in 5 days or expired, the
// queue backing up for over an hour, a listener that could not open its port, incoming mail
// paused; each becomes an attention item with the fixed priority error > attention > paused >
// running, and the tray model built from that status shows the matching icon and words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdminContext } from '../../src-mailserver/admin/context.js';
import type { QueueSummary } from '../../src-mailserver/admin/contract.js';
import { buildStatus, describeCertificate } from '../../src-mailserver/admin/status.js';
import { saveWizardState } from '../../src-mailserver/admin/wizard-state.js';
import { trayModel } from '../../src-main/tray-model.js';
import { startKnot, zoneHeader } from '../support/knot.js';
import { run } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer } from '../support/test-server.js';

const DNS = '127.0.7.80';
const running = { state: 'running' as const, restarts: 0, nextStartAt: null, lastExit: null };

/** A self-signed certificate for mail.example.test, valid from now for `days` (openssl). */
async function certificate(days: number): Promise<string> {
  const dir = await makeTempDir();
  try {
    const r = await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', String(days),
      '-subj', '/CN=mail.example.test', '-addext', 'subjectAltName=DNS:mail.example.test',
      '-keyout', join(dir.path, 'key.pem'), '-out', join(dir.path, 'cert.pem'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    return await readFile(join(dir.path, 'cert.pem'), 'utf8');
  } finally {
    await dir.remove();
  }
}

test('what needs the user: DNS failing, certificate expiring, queue backing up, a port, paused; the tray follows', async (t) => {
  // example.test is served but publishes none of the records mail needs.
  const knot = await startKnot(t, DNS, { 'example.test': zoneHeader('example.test', DNS) });
  const server = await startTestServer(t, { listeners: ['smtp'], config: { dns: knot.server, publicIp: '127.0.7.81' } });
  const ctx = server.service.admin!.ctx;
  const tray = (c: AdminContext) => trayModel({ supervisor: running, status: buildStatus(c), startAtLogin: false });

  // Setup not finished is itself something to do; finished and nothing else wrong: running.
  assert.deepEqual(buildStatus(ctx).attention.map((a) => a.id), ['setup']);
  saveWizardState(ctx.db, { finished: true });
  let status = buildStatus(ctx);
  assert.deepEqual([status.overall, status.attention], ['running', []]);
  assert.equal(tray(ctx).icon, 'running');

  // Incoming mail paused, nothing else: paused.
  await ctx.setIncomingPaused(true);
  status = buildStatus(ctx);
  assert.deepEqual([status.overall, status.incomingPaused], ['paused', true]);
  assert.equal(tray(ctx).icon, 'paused');
  await ctx.setIncomingPaused(false);

  // A DNS check that fails (no MX, no SPF ...) is a warning linking to that domain's DNS page.
  const report = await ctx.dns!.check('example.test');
  assert.ok(report.checks.some((c) => c.status === 'error'));
  status = buildStatus(ctx);
  const dns = status.attention.find((a) => a.id === 'dns:example.test');
  assert.equal(dns?.severity, 'warning');
  assert.equal(dns?.link, 'dns/example.test');
  assert.equal(status.overall, 'attention');
  let model = tray(ctx);
  assert.equal(model.icon, 'attention');
  assert.match(model.tooltip, /DNS problems for example\.test$/);

  // Without the DNS problem: a certificate that expires in 5 days is a warning, an expired one an error.
  const soon = describeCertificate(await certificate(5));
  const noDns: AdminContext = { ...ctx, dns: undefined, certificates: { list: () => [soon], useSelfSigned: async () => {}, requestAcme: async () => {} } };
  status = buildStatus(noDns);
  assert.deepEqual(status.attention.map((a) => [a.id, a.severity, a.title]), [['cert:mail.example.test', 'warning', 'Certificate expires soon']]);
  assert.match(status.attention[0]!.detail, /expires in [45] days/);
  assert.equal(tray(noDns).icon, 'attention');
  const expired = { ...soon, notAfter: Date.now() - 86_400_000, daysLeft: -1 };
  const withExpired: AdminContext = { ...noDns, certificates: { ...noDns.certificates!, list: () => [expired] } };
  assert.equal(buildStatus(withExpired).overall, 'error');
  assert.equal(tray(withExpired).icon, 'error');

  // The queue backing up: more than an hour old is a warning; younger mail is normal.
  const summary = (oldestAgeSeconds: number): QueueSummary => ({ total: 3, deferred: 3, held: 0, oldestAgeSeconds });
  const queueCtx = (oldest: number): AdminContext => ({ ...ctx, dns: undefined, queue: { ...ctx.queue!, summary: () => summary(oldest) } });
  assert.equal(buildStatus(queueCtx(600)).overall, 'running');
  status = buildStatus(queueCtx(7200));
  assert.deepEqual(status.attention.map((a) => [a.id, a.link]), [['queue:stuck', 'queue']]);
  model = tray(queueCtx(7200));
  assert.equal(model.icon, 'attention');
  assert.match(model.tooltip, /3 waiting to send/);

  // A listener that could not open its port outranks every warning.
  const portCtx: AdminContext = {
    ...ctx,
    listeners: () => [...ctx.listeners(), { name: 'imaps', configuredPort: 993, port: null, state: 'error', error: { code: 'EACCES', message: 'permission denied' } }],
  };
  status = buildStatus(portCtx);
  assert.equal(status.overall, 'error');
  assert.equal(status.attention[0]!.id, 'listener:imaps');
  assert.match(status.attention[0]!.detail, /Port 993 needs permission/);
  assert.equal(tray(portCtx).icon, 'error');
});
