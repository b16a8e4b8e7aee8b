// The outbound queue view: the filtered list (refetched on every `queue` event, at most every
// 300 ms), the selected message in detail, and the operations, each followed by a reload. When
// the server has no queue the store says so instead of failing every call.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { QueueFilter, QueueItem, QueueItemDetail, QueueSummary } from '../../src-mailserver/admin/contract.js';
import { AdminCallError, type AdminClient } from '../transport/admin-client.js';

export type QueueAction = 'retry' | 'hold' | 'release' | 'delete' | 'bounce';

export interface QueueState {
  items: QueueItem[];
  summary: QueueSummary | null;
  filter: QueueFilter;
  selectedId: string | null;
  detail: QueueItemDetail | null;
  available: boolean;
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  setFilter(patch: Partial<QueueFilter>): Promise<void>;
  select(id: string | null): Promise<void>;
  act(id: string, action: QueueAction): Promise<void>;
}

export type QueueStore = StoreApi<QueueState> & { dispose(): void };

export function createQueueStore(client: AdminClient): QueueStore {
  const store = createStore<QueueState>()((set, get) => ({
    items: [],
    summary: null,
    filter: {},
    selectedId: null,
    detail: null,
    available: true,
    loaded: false,
    error: null,
    async load() {
      try {
        const items = await client.call('queue.list', { filter: cleanFilter(get().filter) });
        set({ items, loaded: true, available: true, error: null });
        const { selectedId } = get();
        if (selectedId) {
          if (items.some((i) => i.id === selectedId)) set({ detail: await client.call('queue.show', { id: selectedId }) });
          else set({ selectedId: null, detail: null });
        }
      } catch (err) {
        if (err instanceof AdminCallError && err.code === 'unavailable') set({ available: false, loaded: true, error: null });
        else set({ error: (err as Error).message, loaded: true });
      }
    },
    async setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
      await get().load();
    },
    async select(id) {
      set({ selectedId: id, detail: null });
      if (id) {
        try {
          set({ detail: await client.call('queue.show', { id }) });
        } catch (err) {
          set({ error: (err as Error).message });
        }
      }
    },
    async act(id, action) {
      switch (action) {
        case 'retry':
          await client.call('queue.retry', { id });
          break;
        case 'hold':
          await client.call('queue.hold', { id });
          break;
        case 'release':
          await client.call('queue.release', { id });
          break;
        case 'delete':
          await client.call('queue.delete', { id });
          break;
        case 'bounce':
          await client.call('queue.bounce', { id });
          break;
      }
      if ((action === 'delete' || action === 'bounce') && get().selectedId === id) set({ selectedId: null, detail: null });
      await get().load();
    },
  }));
  let timer: ReturnType<typeof setTimeout> | null = null;
  const offEvents = client.subscribe((event) => {
    if (event.type === 'queue') {
      store.setState({ summary: event.summary });
      if (!store.getState().loaded || timer) return;
      timer = setTimeout(() => {
        timer = null;
        void store.getState().load();
      }, 300);
    } else if (event.type === 'status' && event.status.queue) {
      store.setState({ summary: event.status.queue });
    }
  });
  return Object.assign(store, {
    dispose() {
      offEvents();
      if (timer) clearTimeout(timer);
    },
  });
}

function cleanFilter(filter: QueueFilter): QueueFilter | undefined {
  const out: QueueFilter = {};
  if (filter.text?.trim()) out.text = filter.text.trim();
  if (filter.state) out.state = filter.state;
  if (filter.domain?.trim()) out.domain = filter.domain.trim();
  return Object.keys(out).length > 0 ? out : undefined;
}
