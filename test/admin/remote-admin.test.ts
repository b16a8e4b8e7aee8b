// The admin address: anything but loopback is refused unless explicitly allowed (`--admin-remote`),
// and then served over TLS only; `server.restart` applies saved settings and keeps the admin port
// (the open page reconnects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { checkAdminAddress, AdminHttpServer } from '../../src-mailserver/admin/http-transport.js';
import { silentLogger } from '../../src-mailserver/log/logger.js';
import { adminEndpoint, adminOk } from '../support/admin.js';
import { mailserver, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer } from '../support/test-server.js';
import type { ServerStatus } from '../../src-mailserver/admin/contract.js';

test('a non-loopback admin address needs the explicit flag, and then TLS', () => {
  for (const host of ['127.0.0.1', '127.0.7.9', '::1', 'localhost', '::ffff:127.0.0.1']) assert.deepEqual(checkAdminAddress(host, false), { tls: false }, host);
  for (const host of ['0.0.0.0', '::', '192.0.2.10', '2001:db8::1']) {
    assert.throws(() => checkAdminAddress(host, false), /--admin-remote/, host);
    assert.deepEqual(checkAdminAddress(host, true), { tls: true }, host);
  }
});

test('`serve --admin-listen 0.0.0.0` without --admin-remote refuses to start', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const r = await mailserver(['serve', ...serveArgs(dir.path, ['admin']), '--admin-listen', '0.0.0.0']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /mailserver serve: the admin UI would listen on 0\.0\.0\.0, reachable from other machines; use --admin-remote/);
});

function httpsGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, rejectUnauthorized: false, servername: 'mail.example.test' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('with TLS the admin API answers over HTTPS with the server certificate, and not over plain HTTP', async (t) => {
  const server = await startTestServer(t, {});
  const token = 'T'.repeat(32);
  const http = new AdminHttpServer({ dispatcher: server.service.admin!.dispatcher, token, uiDir: null, log: silentLogger(), tls: server.service.tls });
  const port = await http.listen(0, '127.0.0.1');
  t.after(() => http.stop());
  assert.equal((await httpsGet(port, '/')).status, 401);
  const login = await httpsGet(port, `/?token=${token}`);
  assert.equal(login.status, 303);
  const ok = await httpsGet(port, '/api/nothing', { Authorization: `Bearer ${token}` });
  assert.equal(ok.status, 405);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'plain HTTP gets no answer from the TLS listener');
});

test('server.restart applies saved settings and keeps the admin port', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp', 'admin'], ['--hostname', 'mail.before.test']));
  const admin = adminEndpoint(server);
  await adminOk(admin, 'settings.update', { limits: { maxRecipients: 7 } });
  const readyLines = () => server.lines.filter((l) => l.startsWith('{"ready":true')).length;
  assert.equal(readyLines(), 1);
  assert.deepEqual(await adminOk(admin, 'server.restart'), { restarting: true });
  for (let i = 0; i < 100 && readyLines() < 2; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(readyLines(), 2);
  const again = adminEndpoint(server);
  assert.equal(again.base, admin.base, 'same admin address after the restart');
  assert.equal(again.token, admin.token, 'same token after the restart');
  const status = await adminOk<ServerStatus>(again, 'status.get');
  assert.equal(status.listeners.find((l) => l.name === 'smtp')!.port, server.ports.smtp, 'a port set to 0 keeps its number');
  // The flag of this run still wins over the saved file.
  assert.equal(status.hostname, 'mail.before.test');
  assert.ok(server.lines.some((l) => l.includes('"restart requested"')));
});
