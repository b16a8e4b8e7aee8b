// Settings as the UI sees and changes them: read from DATA/config.json (what the next start
// uses, not the flags of this run), and a patch turned into a config change. Changing host name,
// addresses or ports needs a restart; limits and desktop preferences do not.
import { loadConfig, updateConfigFile, type Config } from '../config/config.js';
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
  const saved = updateConfigFile(dataDir, (json) => mergePatch(json, patch) as Record<string, unknown>);
  // Listeners read these when they start; a change applies at the next restart.
  const restartRequired =
    (patch.hostname !== undefined && patch.hostname !== running.hostname) ||
    Object.entries(patch.ports ?? {}).some(([name, port]) => port !== undefined && running.ports[name as keyof Config['ports']] !== port) ||
    Object.entries(patch.limits ?? {}).some(([name, value]) => value !== undefined && running.limits[name as keyof Config['limits']] !== value);
  return { settings: toSettings(saved), restartRequired };
}

/** The patch over what the file holds; `undefined` leaves a field alone, `null` is a value. */
function mergePatch(base: unknown, over: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = mergePatch(base[k], v);
  return out;
}
