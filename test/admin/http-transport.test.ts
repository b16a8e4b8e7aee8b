// The headless admin transport of the real `mailserver serve`: nothing without the token (page,
// API, event stream), the token given once in the URL becoming an HttpOnly SameSite cookie,
// cross-origin and non-JSON requests refused, the security headers, no path escapes, and the
// WebSocket event stream (status at once, log lines, directory changes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { adminCall, adminEndpoint, adminOk, tapEvents } from '../support/admin.js';
import { serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import type { AdminEvent, DomainInfo, LogLine } from '../../src-mailserver/admin/contract.js';

/** The HTTP status of a refused WebSocket upgrade. */
async function wsRefusal(url: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(url, { headers });
  ws.on('error', () => undefined);
  const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
  ws.terminate();
  return res.statusCode;
}

async function startServe(t: import('node:test').TestContext) {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp', 'admin']));
  return { server, admin: adminEndpoint(server), dataDir: dir.path };
}

test('without the token: 401 for the page, the API and the event stream; the token becomes a cookie', async (t) => {
  const { server, admin } = await startServe(t);
  assert.match(admin.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  assert.equal(server.ports.admin, Number(new URL(admin.base).port));

  const page = await fetch(`${admin.base}/`, { redirect: 'manual' });
  assert.equal(page.status, 401);
  assert.match(await page.text(), /token/);
  const api = await fetch(`${admin.base}/api/status.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(api.status, 401);
  const wrong = await fetch(`${admin.base}/api/status.get`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token.slice(0, -1)}x` },
    body: '{}',
  });
  assert.equal(wrong.status, 401);
  assert.equal(await wsRefusal(`${admin.base.replace('http', 'ws')}/api/events`, {}), 401);
  assert.equal((await fetch(`${admin.base}/?token=${'x'.repeat(32)}`, { redirect: 'manual' })).status, 401);

  const login = await fetch(admin.url, { redirect: 'manual' });
  assert.equal(login.status, 303);
  assert.equal(login.headers.get('location'), '/');
  const cookie = login.headers.get('set-cookie')!;
  assert.match(cookie, new RegExp(`^homemail_admin_${server.ports.admin}=${admin.token}; HttpOnly; SameSite=Strict; Path=/$`));
  const cookieHeader = cookie.split(';')[0]!;

  const ui = await fetch(`${admin.base}/`, { headers: { Cookie: cookieHeader } });
  assert.equal(ui.status, 200);
  assert.match(ui.headers.get('content-security-policy')!, /script-src 'self'; style-src 'self'/);
  assert.match(ui.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
  assert.equal(ui.headers.get('x-content-type-options'), 'nosniff');
  const html = await ui.text();
  assert.match(html, /<div id="root"><\/div>/);
  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
  const js = await fetch(`${admin.base}/${asset}`, { headers: { Cookie: cookieHeader } });
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type')!, /text\/javascript/);

  const withCookie = await fetch(`${admin.base}/api/status.get`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookieHeader }, body: '{}' });
  assert.equal(withCookie.status, 200);
  const authedWs = await tapEvents(admin, { Cookie: cookieHeader });
  await authedWs.waitFor((e) => e.type === 'status');
  authedWs.close();
});

test('cross-origin and non-JSON requests are refused; paths never leave the UI folder', async (t) => {
  const { admin } = await startServe(t);
  const auth = { Authorization: `Bearer ${admin.token}` };
  const cross = await fetch(`${admin.base}/api/domains.add`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json', Origin: 'http://evil.example' },
    body: JSON.stringify({ name: 'evil.example' }),
  });
  assert.equal(cross.status, 403);
  const form = await fetch(`${admin.base}/api/domains.add`, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{"name":"x.example"}' });
  assert.equal(form.status, 415);
  assert.equal((await fetch(`${admin.base}/api/domains.list`, { headers: auth })).status, 405);
  assert.deepEqual(await adminOk(admin, 'domains.list'), []);

  for (const path of ['/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json']) {
    const res = await fetch(`${admin.base}${path}`, { headers: auth });
    const body = await res.text();
    assert.doesNotMatch(body, /root:|"name": "homemail"/, path);
  }
  assert.equal(await wsRefusal(`${admin.base.replace('http', 'ws')}/api/events`, { ...auth, Origin: 'http://evil.example' }), 401);
});

test('requests are validated at the boundary and errors come back as {code, message}', async (t) => {
  const { admin } = await startServe(t);
  let r = await adminCall(admin, 'no.such.method');
  assert.equal(r.status, 404);
  assert.deepEqual(r.body, { ok: false, error: { code: 'unknown_method', message: 'unknown method "no.such.method"' } });
  r = await adminCall(admin, 'domains.add', { name: 42 });
  assert.equal(r.status, 400);
  assert.equal(!r.body.ok && r.body.error.code, 'invalid');
  assert.match(!r.body.ok ? r.body.error.message : '', /^name: /);
  r = await adminCall(admin, 'domains.add', { name: 'example.test', extra: true });
  assert.equal(!r.body.ok && r.body.error.code, 'invalid');
  r = await adminCall(admin, 'domains.add', { name: 'not a domain' });
  assert.deepEqual(r.body, { ok: false, error: { code: 'invalid', message: 'invalid domain name: "not a domain"' } });
  await adminOk(admin, 'domains.add', { name: 'example.test' });
  r = await adminCall(admin, 'domains.add', { name: 'EXAMPLE.test' });
  assert.equal(r.status, 409);
  assert.deepEqual(r.body, { ok: false, error: { code: 'exists', message: 'domain already exists: example.test' } });
  r = await adminCall(admin, 'accounts.add', { address: 'a@nowhere.test', password: 'long enough password' });
  assert.equal(r.status, 404);
  assert.equal(!r.body.ok && r.body.error.code, 'not_found');
  const raw = await fetch(`${admin.base}/api/status.get`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` }, body: '{nope' });
  assert.equal(raw.status, 400);
});

test('events: the status at once, log lines as they are written, a directory change after an edit', async (t) => {
  const { admin } = await startServe(t);
  const tap = await tapEvents(admin);
  t.after(() => tap.close());
  const first = await tap.waitFor((e): e is Extract<AdminEvent, { type: 'status' }> => e.type === 'status');
  assert.equal(first.status.mode, 'headless');
  assert.equal(first.status.listeners.find((l) => l.name === 'smtp')!.state, 'running');
  assert.equal(first.status.listeners.find((l) => l.name === 'imap')!.state, 'off');

  const added = await adminOk<DomainInfo>(admin, 'domains.add', { name: 'events.test' });
  assert.deepEqual(added.dkimSelectors.length, 2);
  await tap.waitFor((e) => e.type === 'directory');
  const log = (await tap.waitFor((e) => e.type === 'log' && e.lines.some((l) => l.msg === 'domain added'))) as Extract<AdminEvent, { type: 'log' }>;
  const line = log.lines.find((l) => l.msg === 'domain added')!;
  assert.equal(line.component, 'admin');
  assert.equal(line.fields.domain, 'events.test');
  const later = (await tap.waitFor((e) => e.type === 'status' && e.status.domains === 1)) as Extract<AdminEvent, { type: 'status' }>;
  assert.equal(later.status.domains, 1);

  // History and the stream agree on sequence numbers.
  const history = await adminOk<LogLine[]>(admin, 'logs.recent', { filter: { component: 'admin' } });
  assert.ok(history.some((l) => l.seq === line.seq && l.msg === 'domain added'));
});
