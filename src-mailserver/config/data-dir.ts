// Where data lives: `--data DIR`, else MAILSERVER_DATA, else the per-user application data
// folder the desktop app also uses (Electron's userData for "Homemail", plus /data). The
// directory is created with mode 0700 and must be writable.
import { accessSync, constants, mkdirSync, writeFileSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../common/errors.js';

export const APP_NAME = 'Homemail';

/** The platform's per-user application data folder (what Electron calls appData). */
export function appDataDir(): string {
  const home = homedir();
  if (process.platform === 'win32') return process.env.APPDATA || join(home, 'AppData', 'Roaming');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support');
  return process.env.XDG_CONFIG_HOME || join(home, '.config');
}

export function defaultDataDir(): string {
  return process.env.MAILSERVER_DATA || join(appDataDir(), APP_NAME, 'data');
}

/** Create the data directory if needed and check that we can write to it. */
export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    accessSync(path, constants.W_OK | constants.X_OK);
    const probe = join(path, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`data directory ${path} is not writable (${code})`);
  }
  return path;
}
