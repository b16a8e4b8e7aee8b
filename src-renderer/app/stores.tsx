// Every store of the UI, made once per client and handed to the screens through React context,
// with small hooks that select from them.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { createDirectoryStore, type DirectoryState, type DirectoryStore } from '../stores/directory-store.js';
import { createDnsStore, type DnsState, type DnsStore } from '../stores/dns-store.js';
import { createLogStore, type LogState, type LogStore } from '../stores/log-store.js';
import { createQueueStore, type QueueState, type QueueStore } from '../stores/queue-store.js';
import { createSettingsStore, type SettingsState, type SettingsStore } from '../stores/settings-store.js';
import { createStatusStore, type StatusState, type StatusStore } from '../stores/status-store.js';
import { createToastStore, type ToastState } from '../stores/toast-store.js';
import { createWizardStore, type WizardStore, type WizardStoreState } from '../stores/wizard-store.js';
import type { AdminClient } from '../transport/admin-client.js';
import { createRouter, type RouterState } from './router.js';

export interface Stores {
  client: AdminClient;
  status: StatusStore;
  logs: LogStore;
  directory: DirectoryStore;
  queue: QueueStore;
  wizard: WizardStore;
  settings: SettingsStore;
  dns: DnsStore;
  toasts: StoreApi<ToastState>;
  router: StoreApi<RouterState>;
}

export function createStores(client: AdminClient): Stores {
  return {
    client,
    status: createStatusStore(client),
    logs: createLogStore(client),
    directory: createDirectoryStore(client),
    queue: createQueueStore(client),
    wizard: createWizardStore(client),
    settings: createSettingsStore(client),
    dns: createDnsStore(client),
    toasts: createToastStore(),
    router: createRouter(),
  };
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresProvider missing');
  return stores;
}

export const useStatus = <T,>(select: (s: StatusState) => T): T => useStore(useStores().status, select);
export const useLogs = <T,>(select: (s: LogState) => T): T => useStore(useStores().logs, select);
export const useDirectory = <T,>(select: (s: DirectoryState) => T): T => useStore(useStores().directory, select);
export const useQueue = <T,>(select: (s: QueueState) => T): T => useStore(useStores().queue, select);
export const useWizard = <T,>(select: (s: WizardStoreState) => T): T => useStore(useStores().wizard, select);
export const useSettings = <T,>(select: (s: SettingsState) => T): T => useStore(useStores().settings, select);
export const useDns = <T,>(select: (s: DnsState) => T): T => useStore(useStores().dns, select);
export const useRouter = <T,>(select: (s: RouterState) => T): T => useStore(useStores().router, select);

/** Show a toast; errors from calls become error toasts with the server's message. */
export function useToast(): { info(text: string): void; error(err: unknown): void } {
  const { toasts } = useStores();
  return {
    info: (text) => toasts.getState().show(text, 'info'),
    error: (err) => toasts.getState().show(err instanceof Error ? err.message : String(err), 'error'),
  };
}
