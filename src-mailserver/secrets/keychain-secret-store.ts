// Secrets in the OS keychain through keytar (macOS Keychain, Windows Credential Manager, the
// Secret Service on Linux: GNOME Keyring, KWallet), for the desktop app. Where no keychain
// answers (a headless box, no D-Bus session, a locked or absent Secret Service) the 0600 file
// (file-secret-store.ts) is used instead. A value the keychain lacks is read from the file (it
// may predate the keychain); setting a value moves it into the keychain and out of the file.
import { createRequire } from 'node:module';
import { checkSecretKey, type SecretStore } from './secret-store.js';
import { FileSecretStore } from './file-secret-store.js';

/** The part of keytar we use. */
export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'Homemail';
const PROBE_TIMEOUT_MS = 5000;

/** keytar, or null when the optional dependency is not installed or does not load. */
export function loadKeytar(): Keytar | null {
  try {
    return createRequire(import.meta.url)('keytar') as Keytar;
  } catch {
    return null;
  }
}

export class KeychainSecretStore implements SecretStore {
  constructor(
    private readonly keytar: Keytar,
    private readonly fallback: SecretStore | null = null,
    private readonly service = KEYCHAIN_SERVICE,
  ) {}

  async get(key: string): Promise<string | null> {
    checkSecretKey(key);
    const value = await this.keytar.getPassword(this.service, key);
    if (value !== null) return value;
    return this.fallback ? this.fallback.get(key) : null;
  }

  async set(key: string, value: string): Promise<void> {
    checkSecretKey(key);
    await this.keytar.setPassword(this.service, key, value);
    await this.fallback?.delete(key);
  }

  async delete(key: string): Promise<void> {
    checkSecretKey(key);
    await this.keytar.deletePassword(this.service, key);
    await this.fallback?.delete(key);
  }
}

export interface DesktopSecrets {
  store: SecretStore;
  kind: 'keychain' | 'file';
  /** Why the file is used, when it is. */
  reason?: string;
}

/** The keychain when it answers within a few seconds, else the file in the data directory. */
export async function createDesktopSecretStore(dataDir: string, options: { keytar?: Keytar | null; service?: string; timeoutMs?: number } = {}): Promise<DesktopSecrets> {
  const file = new FileSecretStore(dataDir);
  const keytar = options.keytar === undefined ? loadKeytar() : options.keytar;
  if (!keytar) return { store: file, kind: 'file', reason: 'keytar is not available' };
  const service = options.service ?? KEYCHAIN_SERVICE;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      keytar.getPassword(service, 'probe'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the keychain did not answer')), options.timeoutMs ?? PROBE_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    return { store: file, kind: 'file', reason: (err as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
  return { store: new KeychainSecretStore(keytar, file, service), kind: 'keychain' };
}
