// Domains, accounts and aliases as the management screens show them: loaded together, reloaded
// after each change made here and whenever the server says the directory changed (another
// window, the CLI through the server, or the wizard).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AccountInfo, AliasInfo, DomainInfo } from '../../src-mailserver/admin/contract.js';
import type { AdminClient } from '../transport/admin-client.js';

export interface DirectoryState {
  domains: DomainInfo[];
  accounts: AccountInfo[];
  aliases: AliasInfo[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  addDomain(name: string): Promise<DomainInfo>;
  removeDomain(name: string, force: boolean): Promise<void>;
  addAccount(address: string, password: string, quotaBytes: number | null): Promise<AccountInfo>;
  removeAccount(address: string): Promise<void>;
  setPassword(address: string, password: string): Promise<void>;
  setQuota(address: string, quotaBytes: number | null, quotaMessages: number | null): Promise<void>;
  setDisabled(address: string, disabled: boolean): Promise<void>;
  addAlias(source: string, targets: string[]): Promise<AliasInfo>;
  removeAlias(source: string, targets?: string[]): Promise<void>;
}

export type DirectoryStore = StoreApi<DirectoryState> & { dispose(): void };

export function createDirectoryStore(client: AdminClient): DirectoryStore {
  const store = createStore<DirectoryState>()((set, get) => {
    const after = async <T>(p: Promise<T>): Promise<T> => {
      const result = await p;
      await get().load();
      return result;
    };
    return {
      domains: [],
      accounts: [],
      aliases: [],
      loaded: false,
      error: null,
      async load() {
        try {
          const [domains, accounts, aliases] = await Promise.all([
            client.call('domains.list', {}),
            client.call('accounts.list', {}),
            client.call('aliases.list', {}),
          ]);
          set({ domains, accounts, aliases, loaded: true, error: null });
        } catch (err) {
          set({ error: (err as Error).message, loaded: true });
        }
      },
      addDomain: (name) => after(client.call('domains.add', { name })),
      removeDomain: async (name, force) => void (await after(client.call('domains.remove', { name, force }))),
      addAccount: (address, password, quotaBytes) => after(client.call('accounts.add', { address, password, quotaBytes })),
      removeAccount: async (address) => void (await after(client.call('accounts.remove', { address }))),
      setPassword: async (address, password) => void (await after(client.call('accounts.setPassword', { address, password }))),
      setQuota: async (address, quotaBytes, quotaMessages) => void (await after(client.call('accounts.setQuota', { address, quotaBytes, quotaMessages }))),
      setDisabled: async (address, disabled) => void (await after(client.call('accounts.setDisabled', { address, disabled }))),
      addAlias: (source, targets) => after(client.call('aliases.add', { source, targets })),
      removeAlias: async (source, targets) => void (await after(client.call('aliases.remove', { source, targets }))),
    };
  });
  let reload: ReturnType<typeof setTimeout> | null = null;
  const offEvents = client.subscribe((event) => {
    if (event.type !== 'directory' || !store.getState().loaded) return;
    if (reload) clearTimeout(reload);
    reload = setTimeout(() => void store.getState().load(), 100);
  });
  return Object.assign(store, {
    dispose() {
      offEvents();
      if (reload) clearTimeout(reload);
    },
  });
}
