// Settings as the UI sees and changes them: read from DATA/config.json (what the next start
// uses, not the flags of this run), and a patch turned into a config change. Changing host name,
// addresses or ports needs a restart; limits and desktop preferences do not.
import { loadConfig, type Config } from '../config/config.js';
import { saveConfigPatch, type ConfigPatch } from '../config/config-file.js';
import type { Settings, SettingsPatch } from './contract.js';

export function toSettings(config: Config): Settings {
  return {
    hostname: config.hostname,
    publicIp: config.publicIp,
    listen: config.listen,
    ports: { ...config.ports },
    limits: { ...config.limits },
    desktop: { ...config.desktop },
  };
}

export function readSettings(dataDir: string): Settings {
  return toSettings(loadConfig(dataDir));
}

export async function applySettingsPatch(dataDir: string, running: Config, patch: SettingsPatch): Promise<{ settings: Settings; restartRequired: boolean }> {
  const saved = await saveConfigPatch(dataDir, patch as ConfigPatch);
  // Listeners read these when they start; a change applies at the next restart.
  const restartRequired =
    (patch.hostname !== undefined && patch.hostname !== running.hostname) ||
    Object.entries(patch.ports ?? {}).some(([name, port]) => port !== undefined && running.ports[name as keyof Config['ports']] !== port) ||
    Object.entries(patch.limits ?? {}).some(([name, value]) => value !== undefined && running.limits[name as keyof Config['limits']] !== value);
  return { settings: toSettings(saved), restartRequired };
}
