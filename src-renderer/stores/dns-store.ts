// DNS records to publish and live check reports, per domain. `watch` re-checks on an interval
// while a DNS screen is open (the wizard stops once every required record is green); reports
// pushed by the server (its own re-checks) land here too.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DnsCheckReport, DnsRecords } from '../../src-mailserver/admin/contract.js';
import { AdminCallError, type AdminClient } from '../transport/admin-client.js';

export interface DnsState {
  records: Record<string, DnsRecords>;
  reports: Record<string, DnsCheckReport>;
  checking: Record<string, boolean>;
  available: boolean;
  error: string | null;
  loadRecords(domain: string): Promise<void>;
  check(domain: string): Promise<DnsCheckReport | null>;
  /** Check now and every `intervalMs` until the returned function is called. */
  watch(domain: string, intervalMs?: number): () => void;
}

export type DnsStore = StoreApi<DnsState> & { dispose(): void };

export function createDnsStore(client: AdminClient): DnsStore {
  const store = createStore<DnsState>()((set, get) => {
    const failed = (err: unknown) => {
      if (err instanceof AdminCallError && err.code === 'unavailable') set({ available: false, error: null });
      else set({ error: (err as Error).message });
    };
    return {
      records: {},
      reports: {},
      checking: {},
      available: true,
      error: null,
      async loadRecords(domain) {
        try {
          const records = await client.call('dns.records', { domain });
          set({ records: { ...get().records, [domain]: records }, error: null });
          const last = await client.call('dns.lastCheck', { domain });
          if (last && !get().reports[domain]) set({ reports: { ...get().reports, [domain]: last } });
        } catch (err) {
          failed(err);
        }
      },
      async check(domain) {
        set({ checking: { ...get().checking, [domain]: true } });
        try {
          const report = await client.call('dns.check', { domain });
          set({ reports: { ...get().reports, [domain]: report }, error: null });
          return report;
        } catch (err) {
          failed(err);
          return null;
        } finally {
          set({ checking: { ...get().checking, [domain]: false } });
        }
      },
      watch(domain, intervalMs = 30_000) {
        let stopped = false;
        let timer: ReturnType<typeof setTimeout> | null = null;
        const tick = async () => {
          if (stopped) return;
          await get().check(domain);
          if (!stopped && get().available) timer = setTimeout(() => void tick(), intervalMs);
        };
        void tick();
        return () => {
          stopped = true;
          if (timer) clearTimeout(timer);
        };
      },
    };
  });
  const off = client.subscribe((event) => {
    if (event.type === 'dns') store.setState({ reports: { ...store.getState().reports, [event.report.domain]: event.report } });
  });
  return Object.assign(store, { dispose: off });
}
