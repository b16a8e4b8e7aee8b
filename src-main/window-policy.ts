// The rules for the app window, kept apart from Electron so they can be tested: hardened
// webPreferences (context isolation, sandbox, no Node in the page), the strict CSP of the app://
// pages, which URLs the window may show (none but our own; links open in the browser), which
// frames may use the IPC bridge, and what closing the window does (hide to the tray unless
// quitting or the preference says otherwise).
export const APP_SCHEME = 'app';
export const APP_HOST = 'homemail';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function webPreferences(preload: string) {
  return {
    preload,
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
  } as const;
}

export function windowOptions(preload: string, icon: string | undefined, show: boolean) {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show,
    title: 'Homemail',
    icon,
    autoHideMenuBar: true,
    backgroundColor: '#00000000',
    webPreferences: webPreferences(preload),
  };
}

/** Only our own pages load in the window. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Links the user clicks that may open in the system browser. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}

export type CloseDecision = 'hide' | 'close';

/** Closing the window hides it (mail keeps flowing) unless the app is quitting or the user chose otherwise. */
export function onWindowClose(state: { quitting: boolean; closeToTray: boolean; trayAvailable: boolean }): CloseDecision {
  if (state.quitting) return 'close';
  return state.closeToTray && state.trayAvailable ? 'hide' : 'close';
}
