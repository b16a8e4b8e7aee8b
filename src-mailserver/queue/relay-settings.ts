// Smarthost settings: the `relay` section of config.json (host, port, TLS mode, user name, all
// mail or chosen destination domains) and its password in the SecretStore (never in SQLite or
// config.json). One API for the CLI, the admin API and the queue: changes are written to
// config.json and picked up by a running server within a second (it watches the file's mtime).
import { statSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import { ConfigSchema, configPath, loadConfig, updateConfigFile, type Config, type ConfigInput } from '../config/config.js';
import { normalizeDomain } from '../mail/address.js';
import { SecretKeys, type SecretStore } from '../secrets/secret-store.js';

export type RelaySettings = NonNullable<Config['relay']>;
/** Relay settings as a caller gives them (fields with defaults may be left out). */
export type RelayInput = NonNullable<ConfigInput['relay']>;

/** Whether mail to `domain` goes through the relay. */
export function relayApplies(settings: RelaySettings | null, domain: string): boolean {
  if (!settings) return false;
  if (settings.scope === 'all') return true;
  const d = domain.toLowerCase();
  return settings.domains.some((x) => x.toLowerCase() === d);
}

/** A relay section as typed by a user, checked and normalised (domains as A-labels). */
export function normaliseRelay(input: RelaySettings): RelaySettings {
  const host = input.host.trim();
  if (!host || /[\s/]/.test(host)) throw new UserError(`invalid relay host: ${JSON.stringify(input.host)}`);
  const domains = input.domains.map((d) => {
    const n = normalizeDomain(d);
    if (!n) throw new UserError(`invalid domain: ${JSON.stringify(d)}`);
    return n;
  });
  if (input.scope === 'domains' && domains.length === 0) throw new UserError('relaying only chosen domains needs at least one domain');
  return { ...input, host, domains: [...new Set(domains)] };
}

export class RelayConfig {
  private settings: RelaySettings | null;
  private mtimeMs: number | null;
  private lastCheck = 0;

  constructor(
    private readonly dataDir: string,
    initial: RelaySettings | null,
    private readonly secrets: SecretStore,
  ) {
    this.settings = initial;
    this.mtimeMs = this.fileMtime();
  }

  private fileMtime(): number | null {
    try {
      return statSync(configPath(this.dataDir)).mtimeMs;
    } catch {
      return null;
    }
  }

  /** The relay in force now (re-read from config.json when the file changed). */
  current(now = Date.now()): RelaySettings | null {
    if (now - this.lastCheck >= 1000) {
      this.lastCheck = now;
      const mtime = this.fileMtime();
      if (mtime !== null && mtime !== this.mtimeMs) {
        this.mtimeMs = mtime;
        try {
          this.settings = loadConfig(this.dataDir).relay;
        } catch {
          /* a broken edit keeps the settings we have */
        }
      }
    }
    return this.settings;
  }

  password(): Promise<string | null> {
    return this.secrets.get(SecretKeys.relayPassword);
  }

  /**
   * Set (or with null, remove) the relay. `password`: a string stores it, null removes it,
   * undefined keeps what is stored.
   */
  async set(settings: RelayInput | null, password?: string | null): Promise<RelaySettings | null> {
    let next: RelaySettings | null = null;
    if (settings) {
      const parsed = ConfigSchema.shape.relay.safeParse(settings);
      if (!parsed.success || !parsed.data) throw new UserError(`invalid relay settings: ${parsed.error?.issues[0]?.message ?? 'missing'}`);
      next = normaliseRelay(parsed.data);
    }
    if (next && next.username === null && password) throw new UserError('a relay password needs a user name');
    const written = updateConfigFile(this.dataDir, (json) => ({ ...json, relay: next }));
    if (password === null || next === null) await this.secrets.delete(SecretKeys.relayPassword);
    else if (password !== undefined) await this.secrets.set(SecretKeys.relayPassword, password);
    this.settings = written.relay;
    this.mtimeMs = this.fileMtime();
    return this.settings;
  }
}
