// The admin request handlers on an in-process server: domains get DKIM keys, accounts get their
// Maildir and can log in, aliases show who may send as them, removals that would take addresses
// along need `force`, settings land in config.json, the wizard's progress survives a restart,
// and a message received over SMTP (nodemailer) moves the counters and the hourly chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import nodemailer from 'nodemailer';
import { DkimKeyStore } from '../../src-mailserver/auth/dkim-keys.js';
import type { AccountInfo, AdminMethod, AdminParams, AdminResult, AliasInfo, DomainInfo, HourlyPoint, LogLine, ServerStatus, Settings, WizardState } from '../../src-mailserver/admin/contract.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

function caller(server: TestServer) {
  const dispatcher = server.service.admin!.dispatcher;
  return {
    async ok<M extends AdminMethod>(method: M, params: AdminParams<M>): Promise<AdminResult<M>> {
      const r = await dispatcher.call(method, params);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.result as AdminResult<M>;
    },
    async err(method: string, params: unknown): Promise<{ code: string; message: string }> {
      const r = await dispatcher.call(method, params);
      assert.equal(r.ok, false, `${method} should fail`);
      return (r as { error: { code: string; message: string } }).error;
    },
  };
}

test('domains, accounts and aliases through the admin API', async (t) => {
  const server = await startTestServer(t, { domains: [] });
  const api = caller(server);

  const domain: DomainInfo = await api.ok('domains.add', { name: 'Bücher.Example' });
  assert.equal(domain.name, 'xn--bcher-kva.example');
  assert.equal(domain.display, 'bücher.example');
  assert.deepEqual(domain.missingRoleAddresses, ['postmaster@xn--bcher-kva.example', 'abuse@xn--bcher-kva.example']);
  const keys = new DkimKeyStore(server.service.db).list('xn--bcher-kva.example');
  assert.deepEqual(keys.map((k) => k.algorithm).sort(), ['ed25519-sha256', 'rsa-sha256']);
  assert.deepEqual(domain.dkimSelectors.sort(), keys.map((k) => k.selector).sort());

  const account: AccountInfo = await api.ok('accounts.add', { address: 'Me@xn--bcher-kva.example', password: 'correct horse battery', quotaBytes: 10_000_000 });
  assert.equal(account.address, 'me@xn--bcher-kva.example');
  assert.equal(account.quotaBytes, 10_000_000);
  assert.ok(statSync(join(server.dataDir, 'mail/xn--bcher-kva.example/me/cur')).isDirectory());
  assert.ok(statSync(join(server.dataDir, 'mail/xn--bcher-kva.example/me/.Sent/new')).isDirectory());
  const login = await server.service.authenticator.authenticate({ username: 'me@xn--bcher-kva.example', password: 'correct horse battery', ip: '127.0.0.1', proto: 'test' });
  assert.equal(login.ok, true);
  assert.equal((await api.err('accounts.add', { address: 'me@xn--bcher-kva.example', password: 'another long one' })).code, 'exists');
  assert.equal((await api.err('accounts.add', { address: 'x@xn--bcher-kva.example', password: 'two\nlines' })).message, 'the password must be a single line');

  const alias: AliasInfo = await api.ok('aliases.add', { source: 'postmaster@xn--bcher-kva.example', targets: ['me@xn--bcher-kva.example', 'friend@elsewhere.test'] });
  assert.deepEqual(alias.senders, ['me@xn--bcher-kva.example']);
  const catchAll: AliasInfo = await api.ok('aliases.add', { source: '@xn--bcher-kva.example', targets: ['me@xn--bcher-kva.example'] });
  assert.equal(catchAll.catchAll, true);
  assert.equal(catchAll.address, '@xn--bcher-kva.example');
  const [listed] = await api.ok('accounts.list', {});
  assert.deepEqual(listed!.aliases.sort(), ['@xn--bcher-kva.example', 'postmaster@xn--bcher-kva.example']);
  const [d] = await api.ok('domains.list', {});
  assert.deepEqual(d!.missingRoleAddresses, [], 'the catch-all covers abuse@');

  await api.ok('accounts.setPassword', { address: 'me@xn--bcher-kva.example', password: 'a new long passphrase' });
  const relogin = await server.service.authenticator.authenticate({ username: 'me@xn--bcher-kva.example', password: 'a new long passphrase', ip: '127.0.0.1', proto: 'test' });
  assert.equal(relogin.ok, true);
  const disabled = await api.ok('accounts.setDisabled', { address: 'me@xn--bcher-kva.example', disabled: true });
  assert.equal(disabled.disabled, true);
  const quota = await api.ok('accounts.setQuota', { address: 'me@xn--bcher-kva.example', quotaBytes: null, quotaMessages: 500 });
  assert.equal(quota.quotaBytes, null);
  assert.equal(quota.quotaMessages, 500);

  const notEmpty = await api.err('domains.remove', { name: 'bücher.example' });
  assert.equal(notEmpty.code, 'not_empty');
  await api.ok('aliases.remove', { source: '@xn--bcher-kva.example' });
  await api.ok('accounts.remove', { address: 'me@xn--bcher-kva.example' });
  assert.equal(existsSync(join(server.dataDir, 'mail/xn--bcher-kva.example/me')), false, 'the mail goes with the account');
  assert.deepEqual(await api.ok('domains.remove', { name: 'bücher.example', force: true }), { removed: 'xn--bcher-kva.example' });
  assert.deepEqual(await api.ok('domains.list', {}), []);
});

test('a message received over SMTP moves the counters, the chart and the log', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw-alice-long' } });
  const api = caller(server);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, secure: false, ignoreTLS: true });
  await transport.sendMail({ envelope: { from: 'bob@remote.test', to: ['alice@example.test'] }, from: 'bob@remote.test', to: 'alice@example.test', subject: 'count me', text: 'hi' });
  await assert.rejects(transport.sendMail({ envelope: { from: 'bob@remote.test', to: ['nobody@example.test'] }, from: 'bob@remote.test', to: 'nobody@example.test', text: 'x' }));

  const status: ServerStatus = await api.ok('status.get', {});
  assert.equal(status.counters.received, 1);
  assert.equal(status.counters.rejected, 1);
  const hourly: HourlyPoint[] = await api.ok('metrics.hourly', { hours: 24 });
  assert.equal(hourly.length, 24);
  assert.equal(hourly.at(-1)!.received, 1);
  assert.ok(hourly.at(-1)!.hour <= Date.now() && hourly.at(-1)!.hour > Date.now() - 3600_000);

  const accepted: LogLine[] = await api.ok('logs.recent', { filter: { text: 'result:delivered' } });
  assert.equal(accepted.length, 1);
  assert.equal(accepted[0]!.msg, 'message accepted');
  assert.equal(accepted[0]!.component, 'smtp');
  const byId: LogLine[] = await api.ok('logs.recent', { filter: { id: String(accepted[0]!.fields.queueId) } });
  assert.ok(byId.length >= 1);
  const refused: LogLine[] = await api.ok('logs.recent', { filter: { level: 'info', text: 'domain:example.test refused' } });
  assert.equal(refused.length, 1);
  assert.equal(refused[0]!.fields.to, 'nobody@example.test');
  // Counters are durable: flushed to SQLite and read back by a new run.
  server.service.metrics.flush();
  const rows = server.service.db.prepare("SELECT kind, count FROM metrics_hourly WHERE kind IN ('received', 'rejected') ORDER BY kind").all();
  assert.deepEqual(rows, [
    { kind: 'received', count: 1 },
    { kind: 'rejected', count: 1 },
  ]);
});

test('settings go to config.json; the wizard resumes after a restart; pausing closes port 25', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const dataDir = dir.path;
  // No public IP watchdog: its first check may still write to the data dir after stop().
  const first = await startTestServer(t, { dataDir, config: { network: { publicIpWatchMinutes: 0 } } });
  let api = caller(first);
  const before: Settings = await api.ok('settings.get', {});
  assert.equal(before.desktop.closeToTray, true);
  const changed = await api.ok('settings.update', { hostname: 'mail.changed.test', desktop: { startAtLogin: true }, limits: { maxRecipients: 50 } });
  assert.equal(changed.restartRequired, true);
  assert.equal(changed.settings.hostname, 'mail.changed.test');
  const file = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'));
  assert.deepEqual(file, { hostname: 'mail.changed.test', desktop: { startAtLogin: true }, limits: { maxRecipients: 50 } });
  assert.equal(statSync(join(dataDir, 'config.json')).mode & 0o777, 0o600);
  const prefsOnly = await api.ok('settings.update', { desktop: { notifications: false } });
  assert.equal(prefsOnly.restartRequired, false);
  assert.equal((await api.err('settings.update', { hostname: 'not a host' })).code, 'invalid');
  assert.equal((await api.err('settings.update', { ports: { smtp: 70000 } })).code, 'invalid');

  const saved: WizardState = await api.ok('wizard.save', { step: 'account', completed: ['host', 'domain'], domain: 'example.test' });
  assert.deepEqual(saved, { step: 'account', completed: ['host', 'domain'], finished: false, domain: 'example.test', account: null });

  const smtpPort = first.ports.smtp!;
  const paused: ServerStatus = await api.ok('server.pauseIncoming', { paused: true });
  assert.equal(paused.overall === 'paused' || paused.overall === 'attention', true);
  assert.equal(paused.listeners.find((l) => l.name === 'smtp')!.state, 'paused');
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, connectionTimeout: 2000 });
  await assert.rejects(transport.verify(), /ECONNREFUSED/);
  const resumed: ServerStatus = await api.ok('server.pauseIncoming', { paused: false });
  assert.equal(resumed.listeners.find((l) => l.name === 'smtp')!.port, smtpPort);
  assert.equal(await transport.verify(), true);

  await first.stop();
  const second = await startTestServer(t, { dataDir, config: { network: { publicIpWatchMinutes: 0 } } });
  api = caller(second);
  assert.deepEqual(await api.ok('wizard.get', {}), saved);
  const status: ServerStatus = await api.ok('status.get', {});
  assert.ok(status.attention.some((a) => a.id === 'setup'));
  await api.ok('wizard.save', { finished: true });
  assert.equal((await api.ok('status.get', {})).setupComplete, true);
  await second.stop();
});

test('certificates: ACME is switched on in config.json and the server restarts to order; self-signed when already so changes nothing', async (t) => {
  let restarts = 0;
  const server = await startTestServer(t, { service: { requestRestart: () => restarts++ } });
  const api = caller(server);
  const [cert] = await api.ok('certificates.list', {});
  assert.equal(cert!.source, 'self-signed');
  assert.deepEqual(cert!.names, ['mail.example.test']);
  assert.ok(cert!.daysLeft > 700);
  assert.equal(cert!.acme, undefined);
  await api.ok('certificates.useSelfSigned', {});
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(restarts, 0, 'nothing to change');
  assert.equal((await api.err('certificates.requestAcme', { email: 'not an address' })).code, 'invalid');
  await api.ok('certificates.requestAcme', { email: 'me@example.test' });
  assert.equal(restarts, 0, 'the answer goes out before the restart');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(restarts, 1);
  const file = JSON.parse(readFileSync(join(server.dataDir, 'config.json'), 'utf8'));
  assert.deepEqual(file.tls, { acme: { enabled: true, email: 'me@example.test' } });
});

test('client settings: the ports that listen, and autoconfig / profile links the web listener answers', async (t) => {
  const server = await startTestServer(t, { listeners: ['smtp', 'submission', 'smtps', 'imaps', 'http'], accounts: { 'me@example.test': 'long enough pw' } });
  const api = caller(server);
  const settings = await api.ok('clients.settings', { address: 'me@example.test' });
  assert.equal(settings.username, 'me@example.test');
  assert.deepEqual(
    settings.servers.map((s) => [s.protocol, s.port, s.security, s.recommended]),
    [
      ['imap', server.ports.imaps, 'tls', true],
      ['smtp', server.ports.smtps, 'tls', true],
      ['smtp', server.ports.submission, 'starttls', false],
    ],
  );
  const base = `http://mail.example.test:${server.ports.http}`;
  assert.equal(settings.autoconfigUrl, `${base}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=me%40example.test`);
  assert.equal(settings.mobileconfigUrl, `${base}/mail.mobileconfig?emailaddress=me%40example.test`);
  // What those links answer (the host name resolved to this machine by hand).
  const get = (url: string) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const u = new URL(url);
      request({ host: '127.0.0.1', port: Number(u.port), path: u.pathname + u.search, headers: { host: u.host } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
      })
        .on('error', reject)
        .end();
    });
  const autoconfig = await get(settings.autoconfigUrl!);
  assert.equal(autoconfig.status, 200);
  assert.match(autoconfig.body, new RegExp(`<incomingServer type="imap">[\\s\\S]*<port>${server.ports.imaps}</port>`));
  const profile = await get(settings.mobileconfigUrl!);
  assert.equal(profile.status, 200);
  assert.match(profile.type, /application\/x-apple-aspen-config/);
  assert.match(profile.body, /<string>me@example\.test<\/string>/);
  assert.equal((await api.err('clients.settings', { address: 'nobody@example.test' })).code, 'not_found');
});
