// The desktop app's main process, with Electron handed in (main.ts passes the real module, tests a
// stub): one instance only, the UI window on app:// with the hardened preferences, the server in
// a supervised utility process, the AdminApi bridge, the tray with its state icon and menu,
// close-to-tray, start at login, notifications, and a graceful stop of the server on quit.
import { join } from 'node:path';
import type * as Electron from 'electron';
import type { AdminEvent, ServerStatus, Settings, SupervisorState } from '../src-mailserver/admin/contract.js';
import { appResponse } from './app-protocol.js';
import { registerAdminBridge } from './ipc-bridge.js';
import { setStartAtLogin } from './login-item.js';
import { notificationsFor } from './notifications.js';
import { ServerSupervisor, type ChildHandle } from './server-supervisor.js';
import { trayModel, type TrayAction, type TrayIcon } from './tray-model.js';
import { APP_SCHEME, APP_URL, isAppUrl, isExternalLink, onWindowClose, windowOptions } from './window-policy.js';

export type ElectronModule = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'Tray' | 'Menu' | 'nativeImage' | 'ipcMain' | 'protocol' | 'utilityProcess' | 'Notification' | 'session' | 'shell'>;

export interface AppPaths {
  /** Compiled preload script (CommonJS). */
  preload: string;
  /** The built UI (dist-renderer). */
  uiDir: string;
  /** The server's desktop entry (dist/src-mailserver/desktop-server.js). */
  serverEntry: string;
  /** Icons (assets/). */
  assets: string;
}

export interface DesktopPrefs {
  closeToTray: boolean;
  startMinimized: boolean;
  startAtLogin: boolean;
  notifications: boolean;
}

export interface AppOptions {
  electron: ElectronModule;
  paths: AppPaths;
  /** DATA: the same folder `mailserver serve` uses by default. */
  dataDir: string;
  /** Preferences saved in config.json (read before the server runs). */
  prefs: DesktopPrefs;
  /** The admin token (kept in the keychain by main.ts); the server's HTTP admin uses it. */
  adminToken: string;
  /** Extra arguments for the server process (log level ...). */
  serverArgs?: string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Where XDG autostart entries go (Linux); default XDG_CONFIG_HOME or ~/.config. */
  configHome?: string;
  /** Started by the login item: open only the tray. */
  hidden?: boolean;
}

export interface AppController {
  supervisor: ServerSupervisor;
  /** For tests: the current tray model's actions and the window. */
  runTrayAction(action: TrayAction): Promise<void>;
  showWindow(screen?: string): void;
  readonly quitting: boolean;
}

/** Before `ready`: app:// must be registered as a standard, secure scheme. */
export function registerSchemes(electron: Pick<ElectronModule, 'protocol'>): void {
  electron.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export async function runApp(options: AppOptions): Promise<AppController | null> {
  const { electron, paths } = options;
  const { app, BrowserWindow, Tray, Menu, nativeImage, ipcMain, protocol, utilityProcess, Notification, session, shell } = electron;
  const platform = options.platform ?? process.platform;

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  await app.whenReady();

  protocol.handle(APP_SCHEME, (request) => appResponse(request.url, paths.uiDir));
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  const prefs: DesktopPrefs = { ...options.prefs };
  let quitting = false;
  let window: Electron.BrowserWindow | null = null;
  let tray: Electron.Tray | null = null;
  let status: ServerStatus | null = null;
  let supervisorState: SupervisorState = { state: 'stopped', restarts: 0, nextStartAt: null, lastExit: null };

  const supervisor = new ServerSupervisor({
    fork: () =>
      utilityProcess.fork(paths.serverEntry, ['--data', options.dataDir, ...(options.serverArgs ?? [])], {
        serviceName: 'Homemail mail server',
        env: { ...(options.env ?? process.env), MAILSERVER_ADMIN_TOKEN: options.adminToken },
        stdio: 'inherit',
      }) as unknown as ChildHandle,
  });

  const bridge = registerAdminBridge({
    ipcMain,
    windowContents: () => (window && !window.isDestroyed() ? window.webContents : null),
    call: (method, params) => supervisor.call(method, params),
  });

  const icon = (state: TrayIcon) => {
    if (platform === 'darwin') {
      const image = nativeImage.createFromPath(join(paths.assets, 'tray', `${state}Template.png`));
      image.setTemplateImage(true);
      return image;
    }
    return nativeImage.createFromPath(join(paths.assets, 'tray', `${state}.png`));
  };

  const updateTray = () => {
    if (!tray) return;
    const model = trayModel({ supervisor: supervisorState, status, startAtLogin: prefs.startAtLogin });
    tray.setImage(icon(model.icon));
    tray.setToolTip(model.tooltip);
    const template = model.items.map((item): Electron.MenuItemConstructorOptions => {
      if (item.kind === 'separator') return { type: 'separator' };
      if (item.kind === 'info') return { label: item.label, enabled: false };
      return {
        label: item.label,
        enabled: item.enabled,
        type: item.checked === undefined ? 'normal' : 'checkbox',
        checked: item.checked,
        click: () => void controller.runTrayAction(item.action),
      };
    });
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };

  const applyLoginItem = () =>
    setStartAtLogin(prefs.startAtLogin, {
      platform,
      setLoginItemSettings: (s) => app.setLoginItemSettings(s),
      execPath: process.execPath,
      appImage: (options.env ?? process.env).APPIMAGE,
      configHome: options.configHome,
    }).catch(() => undefined);

  const applyPrefs = (settings: Settings) => {
    const loginChanged = settings.desktop.startAtLogin !== prefs.startAtLogin;
    Object.assign(prefs, settings.desktop);
    if (loginChanged) void applyLoginItem();
    updateTray();
  };

  const onStatus = (next: ServerStatus) => {
    if (prefs.notifications && Notification.isSupported()) {
      for (const n of notificationsFor(status, next)) {
        const note = new Notification({ title: n.title, body: n.body });
        note.on('click', () => controller.showWindow(n.link));
        note.show();
      }
    }
    status = next;
    updateTray();
  };

  supervisor.on('event', (event: AdminEvent) => {
    bridge.sendEvent(event);
    if (event.type === 'status') onStatus(event.status);
    if (event.type === 'settings') applyPrefs(event.settings);
  });
  supervisor.on('state', (state: SupervisorState) => {
    supervisorState = state;
    if (state.state !== 'running') status = null;
    bridge.sendEvent({ type: 'supervisor', supervisor: state });
    updateTray();
  });
  supervisor.on('ready', () => {
    void supervisor.call('status.get', {}).then((r) => r.ok && onStatus(r.result as ServerStatus));
    void supervisor.call('settings.get', {}).then((r) => r.ok && applyPrefs(r.result as Settings));
  });

  const createWindow = (show: boolean) => {
    const win = new BrowserWindow(windowOptions(paths.preload, join(paths.assets, 'icon.png'), show));
    win.webContents.setWindowOpenHandler(({ url }) => {
      if (isExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    win.webContents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    win.on('close', (event) => {
      if (onWindowClose({ quitting, closeToTray: prefs.closeToTray, trayAvailable: tray !== null }) === 'hide') {
        event.preventDefault();
        win.hide();
      }
    });
    win.on('closed', () => {
      if (window === win) window = null;
    });
    void win.loadURL(APP_URL);
    window = win;
    return win;
  };

  const controller: AppController = {
    supervisor,
    get quitting() {
      return quitting;
    },
    showWindow(screen) {
      const win = window && !window.isDestroyed() ? window : createWindow(false);
      if (screen) void win.loadURL(`${APP_URL}#/${screen}`);
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    },
    async runTrayAction(action) {
      switch (action) {
        case 'open':
          return controller.showWindow('dashboard');
        case 'settings':
          return controller.showWindow('settings');
        case 'toggle-pause':
          await supervisor.call('server.pauseIncoming', { paused: !(status?.incomingPaused ?? false) }).then((r) => r.ok && onStatus(r.result as ServerStatus));
          return;
        case 'start':
          return supervisor.start();
        case 'stop':
          return supervisor.stop();
        case 'restart':
          return supervisor.restart();
        case 'toggle-login': {
          prefs.startAtLogin = !prefs.startAtLogin;
          await applyLoginItem();
          await supervisor.call('settings.update', { desktop: { startAtLogin: prefs.startAtLogin } });
          updateTray();
          return;
        }
        case 'quit':
          return app.quit();
      }
    },
  };

  app.on('second-instance', () => controller.showWindow());
  app.on('activate', () => controller.showWindow());
  app.on('window-all-closed', () => {
    if (!prefs.closeToTray || !tray) app.quit();
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    // Finish what the server has in flight before the process goes.
    event.preventDefault();
    void supervisor.stop().finally(() => {
      bridge.dispose();
      tray?.destroy();
      app.quit();
    });
  });

  try {
    tray = new Tray(icon('stopped'));
    tray.on('click', () => controller.showWindow());
  } catch {
    tray = null; // no tray here (some desktops): the window stays the way in
  }
  void applyLoginItem();
  updateTray();
  createWindow((!prefs.startMinimized && !options.hidden) || !tray);
  supervisor.start();
  return controller;
}
