// The main process's rules as pure functions: the tray's icon, words and menu for each state of
// the server, notifications for new problems only, the window's hardened preferences and what it
// may load, the IPC bridge's sender and input checks, and app:// paths that never leave the UI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerStatus, SupervisorState } from '../../src-mailserver/admin/contract.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAppFile } from '../../src-main/app-protocol.js';
import { desktopEntry, setStartAtLogin } from '../../src-main/login-item.js';
import { checkCall, isTrustedSender, registerAdminBridge } from '../../src-main/ipc-bridge.js';
import { notificationsFor } from '../../src-main/notifications.js';
import { trayModel, type TrayItem } from '../../src-main/tray-model.js';
import { isAppUrl, isExternalLink, onWindowClose, webPreferences } from '../../src-main/window-policy.js';
import { makeTempDir } from '../support/temp-dir.js';

const running: SupervisorState = { state: 'running', restarts: 0, nextStartAt: null, lastExit: null };

function status(over: Partial<ServerStatus> = {}): ServerStatus {
  return {
    version: '0.1.0',
    mode: 'desktop',
    hostname: 'mail.example.test',
    startedAt: 0,
    overall: 'running',
    incomingPaused: false,
    listeners: [],
    counters: { received: 12, sent: 3, rejected: 0, deferred: 0, bounced: 0, authFailures: 0 },
    queue: { total: 0, deferred: 0, held: 0, oldestAgeSeconds: 0 },
    certificates: [],
    recentErrors: [],
    attention: [],
    portProblem: null,
    domains: 1,
    accounts: 1,
    setupComplete: true,
    ...over,
  };
}

const action = (items: TrayItem[], label: string) => items.find((i) => i.kind === 'action' && i.label === label) as Extract<TrayItem, { kind: 'action' }>;

test('the tray follows the server: icon, words, menu items enabled when they make sense', () => {
  let m = trayModel({ supervisor: running, status: status(), startAtLogin: false });
  assert.equal(m.icon, 'running');
  assert.equal(m.tooltip, 'Homemail\nMail server running\nToday: 12 in, 3 out, 0 queued');
  assert.deepEqual(m.items.slice(0, 2), [
    { kind: 'info', label: 'Mail server running' },
    { kind: 'info', label: 'Today: 12 in, 3 out, 0 queued' },
  ]);
  assert.equal(action(m.items, 'Open dashboard').isDefault, true);
  assert.equal(action(m.items, 'Start server').enabled, false);
  assert.equal(action(m.items, 'Stop server').enabled, true);
  assert.equal(action(m.items, 'Pause incoming mail').checked, false);
  assert.equal(action(m.items, 'Start at login').checked, false);

  m = trayModel({ supervisor: running, status: status({ overall: 'paused', incomingPaused: true }), startAtLogin: true });
  assert.equal(m.icon, 'paused');
  assert.match(m.items[1]!.kind === 'info' ? m.items[1]!.label : '', /incoming paused/);
  assert.equal(action(m.items, 'Pause incoming mail').checked, true);
  assert.equal(action(m.items, 'Start at login').checked, true);

  const stuck = status({ overall: 'attention', queue: { total: 4, deferred: 4, held: 0, oldestAgeSeconds: 7200 }, attention: [{ id: 'queue:stuck', severity: 'warning', title: 'Outgoing mail is waiting', detail: '' }] });
  m = trayModel({ supervisor: running, status: stuck, startAtLogin: false });
  assert.equal(m.icon, 'attention');
  assert.match(m.tooltip, /4 waiting to send\nOutgoing mail is waiting$/);

  const portError = status({ overall: 'error', listeners: [{ name: 'smtp', label: 'x', configuredPort: 25, port: null, state: 'error', error: { code: 'EACCES', message: 'm' } }] });
  assert.equal(trayModel({ supervisor: running, status: portError, startAtLogin: false }).icon, 'error');
  assert.match(trayModel({ supervisor: running, status: portError, startAtLogin: false }).tooltip, /smtp not running/);

  m = trayModel({ supervisor: { state: 'restarting', restarts: 2, nextStartAt: 10_000, lastExit: { code: 1, at: 1 } }, status: null, startAtLogin: false, now: 6_000 });
  assert.equal(m.icon, 'error');
  assert.deepEqual(m.items.slice(0, 2), [
    { kind: 'info', label: 'Mail server stopped unexpectedly; restarting in 4 s' },
    { kind: 'info', label: 'No mail is moving' },
  ]);
  assert.equal(action(m.items, 'Pause incoming mail').enabled, false);
  assert.equal(action(m.items, 'Restart server').enabled, false);

  m = trayModel({ supervisor: { state: 'stopped', restarts: 0, nextStartAt: null, lastExit: null }, status: null, startAtLogin: false });
  assert.equal(m.icon, 'stopped');
  assert.equal(action(m.items, 'Start server').enabled, true);
  assert.equal(action(m.items, 'Stop server').enabled, false);
  assert.equal(trayModel({ supervisor: { state: 'failed', restarts: 8, nextStartAt: null, lastExit: null }, status: null, startAtLogin: false }).icon, 'error');
});

test('notifications only for problems that are new', () => {
  const cert = { id: 'cert:mail', severity: 'warning' as const, title: 'Certificate expires soon', detail: 'in 5 days', link: 'settings' };
  const dns = { id: 'dns:example.test', severity: 'warning' as const, title: 'DNS problems for example.test', detail: 'MX', link: 'dns/example.test' };
  assert.deepEqual(notificationsFor(null, status({ attention: [cert] })), [{ id: cert.id, title: cert.title, body: 'in 5 days', link: 'settings' }]);
  assert.deepEqual(
    notificationsFor(status({ attention: [cert] }), status({ attention: [cert, dns] })).map((n) => n.id),
    ['dns:example.test'],
  );
  assert.deepEqual(notificationsFor(status({ attention: [cert, dns] }), status({ attention: [cert, dns] })), []);
  assert.deepEqual(notificationsFor(null, status({ attention: [{ id: 'setup', severity: 'warning', title: 's', detail: 'd' }] })), []);
});

test('the window: hardened preferences, own pages only, close hides unless quitting', () => {
  assert.deepEqual(webPreferences('/p.cjs'), {
    preload: '/p.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  });
  assert.equal(isAppUrl('app://homemail/index.html#/queue'), true);
  for (const url of ['app://other/index.html', 'file:///etc/passwd', 'https://homemail/', 'javascript:alert(1)', 'not a url']) assert.equal(isAppUrl(url), false, url);
  assert.equal(isExternalLink('https://example.org'), true);
  assert.equal(isExternalLink('file:///etc/passwd'), false);
  assert.equal(isExternalLink('javascript:alert(1)'), false);
  assert.equal(onWindowClose({ quitting: false, closeToTray: true, trayAvailable: true }), 'hide');
  assert.equal(onWindowClose({ quitting: true, closeToTray: true, trayAvailable: true }), 'close');
  assert.equal(onWindowClose({ quitting: false, closeToTray: false, trayAvailable: true }), 'close');
  assert.equal(onWindowClose({ quitting: false, closeToTray: true, trayAvailable: false }), 'close', 'no tray: hiding would lose the app');
});

test('the IPC bridge: only the app window top frame, well-formed calls, errors as values', async () => {
  const frame = { url: 'app://homemail/index.html', parent: null };
  assert.equal(isTrustedSender({ sender: { id: 3 }, senderFrame: frame }, 3), true);
  assert.equal(isTrustedSender({ sender: { id: 4 }, senderFrame: frame }, 3), false);
  assert.equal(isTrustedSender({ sender: { id: 3 }, senderFrame: frame }, null), false);
  assert.equal(checkCall('domains.add', { name: 'x' }), null);
  for (const bad of ['', 'domains', '__proto__.x', 'a.b.c', 'Domains.add', 42, null]) assert.equal(checkCall(bad, {}), 'invalid method name', String(bad));
  assert.equal(checkCall('a.b', 'text'), 'params must be an object');
  assert.equal(checkCall('a.b', { big: 'x'.repeat(1024 * 1024 + 1) }), 'params too large');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(checkCall('a.b', cyclic), 'params must be plain data');

  const handlers = new Map<string, (e: unknown, ...a: unknown[]) => Promise<unknown>>();
  const sent: unknown[] = [];
  const contents = { id: 7, send: (c: string, p: unknown) => sent.push([c, p]), isDestroyed: () => false };
  const calls: unknown[] = [];
  const bridge = registerAdminBridge({
    ipcMain: { handle: (c, fn) => handlers.set(c, fn as never), removeHandler: (c) => handlers.delete(c) },
    windowContents: () => contents,
    call: async (method, params) => (calls.push([method, params]), { ok: true, result: 'fine' }),
  });
  const call = handlers.get('admin:call')!;
  assert.deepEqual(await call({ sender: { id: 7 }, senderFrame: frame }, 'status.get', undefined), { ok: true, result: 'fine' });
  assert.deepEqual(calls, [['status.get', {}]]);
  assert.equal(((await call({ sender: { id: 8 }, senderFrame: frame }, 'status.get', {})) as { error: { code: string } }).error.code, 'unauthorized');
  bridge.sendEvent({ type: 'directory' });
  assert.deepEqual(sent, [['admin:event', { type: 'directory' }]]);
  bridge.dispose();
  assert.equal(handlers.size, 0);
});

test('app:// maps to files of the UI folder and nothing else', () => {
  const ui = '/opt/homemail/dist-renderer';
  assert.equal(resolveAppFile('app://homemail/index.html', ui), `${ui}/index.html`);
  assert.equal(resolveAppFile('app://homemail/', ui), `${ui}/index.html`);
  assert.equal(resolveAppFile('app://homemail/assets/index-abc.js', ui), `${ui}/assets/index-abc.js`);
  for (const url of ['app://homemail/../secret', 'app://homemail/%2e%2e/%2e%2e/etc/passwd', 'app://homemail/..%2f..%2fetc%2fpasswd', 'app://evil/index.html', 'app://homemail/%E0%A4%A']) {
    const file = resolveAppFile(url, ui);
    assert.ok(file === null || file.startsWith(ui + '/'), `${url} -> ${file}`);
  }
});

test('start at login: Electron login items on macOS and Windows, an XDG autostart entry on Linux', async (t) => {
  const calls: unknown[] = [];
  await setStartAtLogin(true, { platform: 'darwin', setLoginItemSettings: (s) => calls.push(s), execPath: '/x' });
  await setStartAtLogin(false, { platform: 'win32', setLoginItemSettings: (s) => calls.push(s), execPath: 'C:\\x.exe' });
  assert.deepEqual(calls, [
    { openAtLogin: true, openAsHidden: true },
    { openAtLogin: false, openAsHidden: true },
  ]);
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const deps = { platform: 'linux' as const, setLoginItemSettings: () => assert.fail('not on Linux'), execPath: '/opt/Homemail/homemail', appImage: '/home/me/My Apps/Homemail.AppImage', configHome: dir.path };
  await setStartAtLogin(true, deps);
  const entry = readFileSync(join(dir.path, 'autostart', 'homemail.desktop'), 'utf8');
  assert.match(entry, /^\[Desktop Entry\]\nType=Application\nName=Homemail\n/);
  assert.match(entry, /^Exec="\/home\/me\/My Apps\/Homemail\.AppImage" --hidden$/m, 'the AppImage, quoted');
  assert.deepEqual(readdirSync(join(dir.path, 'autostart')), ['homemail.desktop'], 'written whole through a temporary file, nothing left over');
  await setStartAtLogin(false, deps);
  assert.equal(existsSync(join(dir.path, 'autostart', 'homemail.desktop')), false);
  await setStartAtLogin(false, deps); // removing twice is fine
  assert.equal(desktopEntry('/usr/bin/homemail').split('\n')[4], 'Exec=/usr/bin/homemail --hidden');
});
