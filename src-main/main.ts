// Entry of the desktop app (Electron main process): find the compiled files, read the desktop
// preferences and the admin token (OS keychain, else the 0600 file), then run the app (app.ts).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { loadConfig } from '../src-mailserver/config/config.js';
import { prepareDataDir } from '../src-mailserver/config/data-dir.js';
import { createDesktopSecretStore } from '../src-mailserver/secrets/keychain-secret-store.js';
import { registerSchemes, runApp, type DesktopPrefs } from './app.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const ADMIN_TOKEN_KEY = 'admin.token';

registerSchemes(electron);
electron.app.setName('Homemail');
if (process.platform === 'win32') electron.app.setAppUserModelId('org.homemail.app');

async function start(): Promise<void> {
  const dataDir = prepareDataDir(join(electron.app.getPath('userData'), 'data'));
  let prefs: DesktopPrefs = { closeToTray: true, startMinimized: false, startAtLogin: false, notifications: true };
  try {
    prefs = loadConfig(dataDir).desktop;
  } catch {
    /* a broken config.json: the server reports it; the app still opens */
  }
  const secrets = await createDesktopSecretStore(dataDir);
  let adminToken = await secrets.store.get(ADMIN_TOKEN_KEY);
  if (!adminToken) {
    adminToken = randomBytes(24).toString('base64url');
    await secrets.store.set(ADMIN_TOKEN_KEY, adminToken);
  }
  await runApp({
    electron,
    dataDir,
    prefs,
    adminToken,
    hidden: process.argv.includes('--hidden'),
    paths: {
      preload: join(here, 'preload.cjs'),
      uiDir: join(root, 'dist-renderer'),
      serverEntry: join(root, 'dist', 'src-mailserver', 'desktop-server.js'),
      assets: join(root, 'assets'),
    },
  });
}

start().catch((err: unknown) => {
  electron.dialog.showErrorBox('Homemail could not start', err instanceof Error ? err.message : String(err));
  electron.app.exit(1);
});
