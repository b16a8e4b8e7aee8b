// A stand-in for the `electron` module of the main process, recording what the app does with it:
// app events and calls, windows (options, URLs, close / show / hide), the tray (image, tooltip,
// menu template), ipcMain handlers, protocol handlers, notifications, login items. Its
// utilityProcess.fork runs the real server as a Node fork (desktop-child.ts).
import { EventEmitter } from 'node:events';
import type { ElectronModule } from '../../src-main/app.js';
import { forkDesktopServer, type NodeChild } from './desktop-child.js';

export class StubWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = StubWebContents.nextId++;
  readonly sent: { channel: string; payload: unknown }[] = [];
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class StubWindow extends EventEmitter {
  static all: StubWindow[] = [];
  readonly webContents = new StubWebContents();
  readonly urls: string[] = [];
  visible: boolean;
  destroyed = false;
  constructor(readonly options: { show: boolean; webPreferences: Record<string, unknown> }) {
    super();
    this.visible = options.show;
    StubWindow.all.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.urls.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What a click on the window's close button does: 'close' unless a listener prevented it. */
  close(): 'closed' | 'prevented' {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return 'prevented';
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    return 'closed';
  }
}

export interface MenuItemTemplate {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

export class StubTray extends EventEmitter {
  static last: StubTray | null = null;
  image: string;
  tooltip = '';
  menu: MenuItemTemplate[] = [];
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image.path;
    StubTray.last = this;
  }
  setImage(image: { path: string }): void {
    this.image = image.path;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: MenuItemTemplate[]): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  item(label: string): MenuItemTemplate {
    const found = this.menu.find((m) => m.label === label);
    if (!found) throw new Error(`no menu item ${label}: ${this.menu.map((m) => m.label).join(' | ')}`);
    return found;
  }
}

export interface ElectronStub {
  electron: ElectronModule;
  app: EventEmitter & { quitCalls: number; loginItem: boolean | null; singleInstance: boolean };
  handlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>;
  protocolHandlers: Map<string, (request: { url: string }) => Promise<Response>>;
  schemes: unknown[];
  notifications: { title: string; body: string }[];
  opened: string[];
  children: NodeChild[];
  permissionHandler: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | null;
}

export function createElectronStub(options: { singleInstance?: boolean; forkEnv?: NodeJS.ProcessEnv } = {}): ElectronStub {
  StubWindow.all = [];
  StubTray.last = null;
  const app = Object.assign(new EventEmitter(), { quitCalls: 0, loginItem: null as boolean | null, singleInstance: options.singleInstance ?? true });
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const protocolHandlers = new Map<string, (request: { url: string }) => Promise<Response>>();
  const schemes: unknown[] = [];
  const notifications: { title: string; body: string }[] = [];
  const opened: string[] = [];
  const children: NodeChild[] = [];
  const stub: ElectronStub = { electron: null as never, app, handlers, protocolHandlers, schemes, notifications, opened, children, permissionHandler: null };
  const electron = {
    app: Object.assign(app, {
      requestSingleInstanceLock: () => app.singleInstance,
      whenReady: () => Promise.resolve(),
      quit: () => {
        app.quitCalls++;
        let prevented = false;
        app.emit('before-quit', { preventDefault: () => (prevented = true) });
        if (!prevented) app.emit('quit');
      },
      setLoginItemSettings: (s: { openAtLogin: boolean }) => (app.loginItem = s.openAtLogin),
    }),
    BrowserWindow: StubWindow,
    Tray: StubTray,
    Menu: { buildFromTemplate: (template: MenuItemTemplate[]) => template },
    nativeImage: { createFromPath: (path: string) => ({ path, setTemplateImage: () => undefined }) },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => schemes.push(...s),
      handle: (scheme: string, fn: (request: { url: string }) => Promise<Response>) => protocolHandlers.set(scheme, fn),
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[], opts: { env?: NodeJS.ProcessEnv }) => {
        const child = forkDesktopServer(args, { modulePath: modulePath.endsWith('.js') ? undefined : modulePath, env: { ...opts.env, ...options.forkEnv } });
        children.push(child);
        return child;
      },
    },
    Notification: class extends EventEmitter {
      static isSupported = () => true;
      constructor(readonly opts: { title: string; body: string }) {
        super();
      }
      show() {
        notifications.push(this.opts);
      }
    },
    session: { defaultSession: { setPermissionRequestHandler: (h: ElectronStub['permissionHandler']) => (stub.permissionHandler = h) } },
    shell: { openExternal: async (url: string) => void opened.push(url) },
  };
  stub.electron = electron as unknown as ElectronModule;
  return stub;
}
