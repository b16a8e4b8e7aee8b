// The desktop app's main process with Electron stubbed and the real server in a child process:
// one instance only, the window's hardened preferences and what it may load or open, the IPC
// bridge answering only the app window, events and the supervisor's state reaching the page,
// the tray's icon, words and menu following the server (pausing incoming mail from it),
// close-to-tray, start at login, notifications, app:// files with the CSP, and a quit that
// stops the server gracefully.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminEvent, AdminResponse, ServerStatus } from '../../src-mailserver/admin/contract.js';
import { runApp, registerSchemes, type AppController } from '../../src-main/app.js';
import { CALL_CHANNEL } from '../../src-main/ipc-bridge.js';
import { DESKTOP_SERVER, writeDesktopConfig } from '../support/desktop-child.js';
import { createElectronStub, StubTray, StubWindow, type ElectronStub } from '../support/electron-stub.js';
import { ROOT } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const PATHS = { preload: '/app/dist/src-main/preload.cjs', uiDir: join(ROOT, 'dist-renderer'), serverEntry: DESKTOP_SERVER, assets: join(ROOT, 'assets') };
const PREFS = { closeToTray: true, startMinimized: false, startAtLogin: false, notifications: true };

async function until(check: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function invoke(stub: ElectronStub, event: unknown, method: string, params: unknown): Promise<AdminResponse> {
  return stub.handlers.get(CALL_CHANNEL)!(event, method, params) as Promise<AdminResponse>;
}

test('a second instance only hands over to the first', async () => {
  const stub = createElectronStub({ singleInstance: false });
  registerSchemes(stub.electron);
  assert.deepEqual(stub.schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  const app = await runApp({ electron: stub.electron, paths: PATHS, dataDir: '/nonexistent', prefs: PREFS, adminToken: 't' });
  assert.equal(app, null);
  assert.equal(stub.app.quitCalls, 1);
  assert.equal(StubWindow.all.length, 0);
});

test('the app end to end with the real server: window, IPC, events, tray, close to tray, quit', async (t) => {
  const dir = await makeTempDir();
  writeDesktopConfig(dir.path);
  const stub = createElectronStub();
  const configHome = join(dir.path, 'xdg-config');
  const controller = (await runApp({ electron: stub.electron, paths: PATHS, dataDir: dir.path, prefs: PREFS, adminToken: 'token-'.padEnd(32, 'x'), configHome, platform: 'linux' })) as AppController;
  t.after(() => controller.supervisor.stop());
  t.after(() => dir.remove());

  // The window: hardened, on app://, shown (not start-minimised).
  assert.equal(StubWindow.all.length, 1);
  const win = StubWindow.all[0]!;
  assert.deepEqual(
    {
      contextIsolation: win.options.webPreferences.contextIsolation,
      sandbox: win.options.webPreferences.sandbox,
      nodeIntegration: win.options.webPreferences.nodeIntegration,
      webviewTag: win.options.webPreferences.webviewTag,
      preload: win.options.webPreferences.preload,
    },
    { contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, preload: PATHS.preload },
  );
  assert.deepEqual(win.urls, ['app://homemail/index.html']);
  assert.equal(win.visible, true);
  let prevented = false;
  win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
  assert.equal(prevented, true, 'the window never leaves the app');
  assert.deepEqual(win.webContents.openHandler!({ url: 'https://example.org/help' }), { action: 'deny' });
  assert.deepEqual(win.webContents.openHandler!({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(stub.opened, ['https://example.org/help'], 'web links open in the browser, files never');
  let permission: boolean | null = null;
  stub.permissionHandler!(null, 'media', (ok) => (permission = ok));
  assert.equal(permission, false);

  // The UI's files come from app:// with the strict CSP; nothing outside the UI folder.
  const index = await stub.protocolHandlers.get('app')!({ url: 'app://homemail/index.html' });
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-security-policy')!, /script-src 'self'/);
  assert.equal((await stub.protocolHandlers.get('app')!({ url: 'app://homemail/..%2f..%2fpackage.json' })).status, 404);
  assert.equal((await stub.protocolHandlers.get('app')!({ url: 'app://other/index.html' })).status, 404);

  // The server comes up; the page hears about it; the tray says so.
  await until(() => controller.supervisor.state.state === 'running', 'the server');
  const trusted = { sender: { id: win.webContents.id }, senderFrame: { url: 'app://homemail/index.html#/dashboard', parent: null } };
  const status = await invoke(stub, trusted, 'status.get', {});
  assert.ok(status.ok);
  assert.equal((status.result as ServerStatus).mode, 'desktop');
  for (const [event, why] of [
    [{ sender: { id: 999 }, senderFrame: trusted.senderFrame }, 'another window'],
    [{ sender: trusted.sender, senderFrame: { url: 'https://evil.example/', parent: null } }, 'a foreign page'],
    [{ sender: trusted.sender, senderFrame: { url: 'app://homemail/index.html', parent: {} } }, 'a sub-frame'],
    [{ sender: trusted.sender, senderFrame: null }, 'no frame'],
  ] as const) {
    assert.deepEqual(await invoke(stub, event, 'status.get', {}), { ok: false, error: { code: 'unauthorized', message: 'calls are accepted from the app window only' } }, why);
  }
  assert.equal(((await invoke(stub, trusted, 'status.get()', {})) as { error: { code: string } }).error.code, 'invalid');
  assert.equal(((await invoke(stub, trusted, 'status.get', [1])) as { error: { code: string } }).error.code, 'invalid');
  const sent = () => win.webContents.sent.filter((s) => s.channel === 'admin:event').map((s) => s.payload as AdminEvent);
  await until(() => sent().some((e) => e.type === 'supervisor' && e.supervisor.state === 'running'), 'the supervisor state in the page');
  await invoke(stub, trusted, 'domains.add', { name: 'example.test' });
  await until(() => sent().some((e) => e.type === 'directory'), 'a directory event in the page');

  const tray = StubTray.last!;
  await until(() => tray.image.endsWith('tray/attention.png'), 'the tray icon (setup not finished)');
  assert.match(tray.tooltip, /^Homemail\nMail server running\nToday: 0 in, 0 out, 0 queued\nSetup is not finished$/);
  assert.equal(tray.item('Mail server running').enabled, false);
  assert.equal(tray.item('Start server').enabled, false);
  assert.equal(tray.item('Stop server').enabled, true);
  await invoke(stub, trusted, 'wizard.save', { finished: true });
  await until(() => tray.image.endsWith('tray/running.png'), 'the running icon');

  // Pause incoming mail from the tray: the server closes port 25, the tray shows it.
  tray.item('Pause incoming mail').click!();
  await until(() => tray.image.endsWith('tray/paused.png') && tray.item('Pause incoming mail').checked === true, 'the paused tray');
  const paused = await invoke(stub, trusted, 'status.get', {});
  assert.ok(paused.ok && (paused.result as ServerStatus).incomingPaused);
  assert.match(tray.tooltip, /incoming paused/);

  // Start at login, from the tray (Linux: an XDG autostart entry), also saved in the settings.
  const autostart = join(configHome, 'autostart', 'homemail.desktop');
  assert.equal(existsSync(autostart), false);
  tray.item('Start at login').click!();
  await until(() => existsSync(autostart), 'the autostart entry');
  assert.match(readFileSync(autostart, 'utf8'), new RegExp(`^Exec=${process.execPath.replace(/[.]/g, '\\.')} --hidden$`, 'm'));
  await until(() => tray.item('Start at login').checked === true, 'the checked menu item');
  const settings = await invoke(stub, trusted, 'settings.get', {});
  assert.ok(settings.ok && (settings.result as { desktop: { startAtLogin: boolean } }).desktop.startAtLogin);

  // Closing the window keeps the app (and mail) running; the tray and a second launch bring it back.
  assert.equal(win.close(), 'prevented');
  assert.equal(win.visible, false);
  assert.equal(controller.supervisor.state.state, 'running');
  stub.app.emit('second-instance');
  assert.equal(win.visible, true);
  win.hide();
  tray.emit('click');
  assert.equal(win.visible, true);
  tray.item('Settings…').click!();
  assert.equal(win.urls.at(-1), 'app://homemail/index.html#/settings');

  // A new problem becomes a notification, once.
  const before = stub.notifications.length;
  await invoke(stub, trusted, 'wizard.save', { finished: false });
  await until(() => stub.notifications.length > before || tray.image.endsWith('tray/attention.png'), 'the attention state');
  assert.equal(stub.notifications.length, before, '"setup not finished" is not worth a notification');

  // A crash of the server: the page and the tray know, and it comes back.
  process.kill(controller.supervisor.pid!, 'SIGKILL');
  await until(() => sent().some((e) => e.type === 'supervisor' && e.supervisor.state === 'restarting'), 'the restarting state in the page');
  assert.ok(tray.image.endsWith('tray/error.png'));
  assert.match(tray.tooltip, /Mail server stopped unexpectedly; restarting in \d+ s/);
  await until(() => controller.supervisor.state.state === 'running', 'the server again', 120_000);

  // Quit: the server stops gracefully first, then the app goes.
  const pid = controller.supervisor.pid!;
  tray.item('Quit Homemail').click!();
  assert.equal(controller.quitting, true);
  await until(() => controller.supervisor.state.state === 'stopped', 'the server to stop');
  assert.equal(controller.supervisor.state.lastExit!.code, 0);
  assert.throws(() => process.kill(pid, 0), 'the server process is gone');
  await until(() => stub.app.quitCalls >= 2, 'the app to quit after the server');
  assert.equal(tray.destroyed, true);
  assert.equal(win.close(), 'closed', 'while quitting, closing really closes');
});

test('without close-to-tray, closing the window quits; start minimised opens no window', async (t) => {
  const dir = await makeTempDir();
  writeDesktopConfig(dir.path);
  const stub = createElectronStub();
  const controller = (await runApp({ electron: stub.electron, paths: PATHS, dataDir: dir.path, prefs: { ...PREFS, closeToTray: false, startMinimized: true }, adminToken: 'x'.repeat(32) })) as AppController;
  t.after(() => controller.supervisor.stop());
  t.after(() => dir.remove());
  const win = StubWindow.all[0]!;
  assert.equal(win.visible, false, 'started minimised: only the tray');
  controller.showWindow();
  assert.equal(win.close(), 'closed');
  stub.app.emit('window-all-closed');
  assert.equal(stub.app.quitCalls, 1);
  await until(() => controller.supervisor.state.state === 'stopped', 'the server to stop');
});
