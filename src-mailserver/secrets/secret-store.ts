// Where credentials live (the smarthost password, later others): never in the SQLite file or in
// config.json. One small async interface; headless servers use a 0600 file (file-secret-store.ts),
// the desktop app passes an OS-keychain implementation to MailService instead.

export interface SecretStore {
  /** The stored value, or null when there is none. */
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Remove a value; removing one that does not exist is not an error. */
  delete(key: string): Promise<void>;
}

/** Names of the secrets the server uses. */
export const SecretKeys = {
  relayPassword: 'relay.password',
} as const;

/** Keys are short dotted names; anything else is a programming mistake. */
export function checkSecretKey(key: string): void {
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/i.test(key)) throw new Error(`invalid secret name: ${JSON.stringify(key)}`);
}

/** In memory only: for tests and for callers that must not touch the disk. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    checkSecretKey(key);
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    checkSecretKey(key);
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    checkSecretKey(key);
    this.values.delete(key);
  }
}
