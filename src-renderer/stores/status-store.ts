// Server status for the dashboard, the header and the banners: the latest `status` event (or
// `status.get`), the hourly chart for the chosen period (refetched when the counters move), the
// transport's connection state, and, in the desktop app, the supervisor's view of the server
// process (restarting after a crash, with the time of the next attempt).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HourlyPoint, ServerStatus, SupervisorState } from '../../src-mailserver/admin/contract.js';
import type { AdminClient, ConnectionState } from '../transport/admin-client.js';

export interface StatusState {
  status: ServerStatus | null;
  hourly: HourlyPoint[];
  hours: number;
  connection: ConnectionState;
  supervisor: SupervisorState | null;
  error: string | null;
  refresh(): Promise<void>;
  setHours(hours: number): Promise<void>;
  refreshHourly(): Promise<void>;
  pauseIncoming(paused: boolean): Promise<void>;
}

export type StatusStore = StoreApi<StatusState> & { dispose(): void };

export function createStatusStore(client: AdminClient): StatusStore {
  const store = createStore<StatusState>()((set, get) => ({
    status: null,
    hourly: [],
    hours: 24,
    connection: client.connection,
    supervisor: null,
    error: null,
    async refresh() {
      try {
        const status = await client.call('status.get', {});
        set({ status, error: null });
        await get().refreshHourly();
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    async setHours(hours) {
      set({ hours });
      await get().refreshHourly();
    },
    async refreshHourly() {
      try {
        set({ hourly: await client.call('metrics.hourly', { hours: get().hours }) });
      } catch {
        /* the chart keeps its last data */
      }
    },
    async pauseIncoming(paused) {
      set({ status: await client.call('server.pauseIncoming', { paused }) });
    },
  }));

  const offEvents = client.subscribe((event) => {
    if (event.type === 'status') {
      const before = store.getState().status?.counters;
      store.setState({ status: event.status, error: null });
      if (JSON.stringify(before) !== JSON.stringify(event.status.counters)) void store.getState().refreshHourly();
    } else if (event.type === 'supervisor') {
      store.setState({ supervisor: event.supervisor });
    }
  });
  const offConnection = client.onConnection((connection) => {
    store.setState({ connection });
    if (connection === 'open') void store.getState().refresh();
  });
  return Object.assign(store, {
    dispose() {
      offEvents();
      offConnection();
    },
  });
}
