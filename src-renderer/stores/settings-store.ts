// Settings (DATA/config.json through the API): loaded, changed by patches, and a flag for
// changes that apply only after a restart, with the restart itself.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Settings, SettingsPatch } from '../../src-mailserver/admin/contract.js';
import type { AdminClient } from '../transport/admin-client.js';

export interface SettingsState {
  settings: Settings | null;
  restartRequired: boolean;
  restarting: boolean;
  error: string | null;
  load(): Promise<void>;
  update(patch: SettingsPatch): Promise<boolean>;
  restart(): Promise<void>;
}

export type SettingsStore = StoreApi<SettingsState> & { dispose(): void };

export function createSettingsStore(client: AdminClient): SettingsStore {
  const store = createStore<SettingsState>()((set, get) => ({
    settings: null,
    restartRequired: false,
    restarting: false,
    error: null,
    async load() {
      try {
        set({ settings: await client.call('settings.get', {}), error: null });
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    async update(patch) {
      const { settings, restartRequired } = await client.call('settings.update', patch);
      set({ settings, restartRequired: get().restartRequired || restartRequired });
      return restartRequired;
    },
    async restart() {
      set({ restarting: true });
      try {
        await client.call('server.restart', {});
        set({ restartRequired: false });
      } finally {
        setTimeout(() => set({ restarting: false }), 1500);
      }
    },
  }));
  const off = client.subscribe((event) => {
    if (event.type === 'settings') store.setState({ settings: event.settings });
  });
  return Object.assign(store, { dispose: off });
}
