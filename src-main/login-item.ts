// Start at login. macOS and Windows: Electron's login items. Linux, where Electron has none: an
// XDG autostart entry (~/.config/autostart/homemail.desktop, freedesktop Desktop Entry spec)
// that starts the AppImage when the app runs from one, else the program itself, minimised.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean }): void;
  execPath: string;
  /** Set by the AppImage runtime: the .AppImage file to start. */
  appImage?: string;
  /** XDG_CONFIG_HOME, else ~/.config. */
  configHome?: string;
}

export function autostartFile(configHome: string): string {
  return join(configHome, 'autostart', 'homemail.desktop');
}

/** The Exec line: the path quoted as the Desktop Entry spec asks. */
export function desktopEntry(program: string): string {
  const quoted = /[\s"'\\$`]/.test(program) ? `"${program.replace(/(["`$\\])/g, '\\$1')}"` : program;
  return ['[Desktop Entry]', 'Type=Application', 'Name=Homemail', 'Comment=Personal mail server', `Exec=${quoted} --hidden`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n');
}

export async function setStartAtLogin(enabled: boolean, deps: LoginItemDeps): Promise<void> {
  if (deps.platform !== 'linux') {
    deps.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true });
    return;
  }
  const file = autostartFile(deps.configHome ?? process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'));
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(join(file, '..'), { recursive: true });
  // Written whole or not at all: a session starting meanwhile never reads half an entry.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, desktopEntry(deps.appImage ?? deps.execPath), { mode: 0o644 });
  await rename(temp, file);
}
