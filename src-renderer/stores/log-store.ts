// The live log: history from `logs.recent` joined with the `log` event stream by sequence number,
// at most MAX_LINES kept; the filtered view updated incrementally as lines arrive; the tail
// follows new lines unless paused (scrolling up pauses it); export of what the filter shows.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LogFilter, LogLine } from '../../src-mailserver/admin/contract.js';
import type { AdminClient } from '../transport/admin-client.js';
import { formatLogLine, isEmptyFilter, lineMatcher } from './log-filter.js';

export const MAX_LINES = 50_000;
const HISTORY = 5000;

export interface LogState {
  lines: LogLine[];
  visible: LogLine[];
  filter: LogFilter;
  paused: boolean;
  /** Lines that arrived (and match) since the view was paused. */
  newWhilePaused: number;
  selectedSeq: number | null;
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  setFilter(patch: Partial<LogFilter>): void;
  clearFilter(): void;
  pause(): void;
  resume(): void;
  select(seq: number | null): void;
  exportText(format: 'text' | 'jsonl'): string;
}

export type LogStore = StoreApi<LogState> & { dispose(): void };

export function createLogStore(client: AdminClient): LogStore {
  let matcher = lineMatcher({});
  const store = createStore<LogState>()((set, get) => ({
    lines: [],
    visible: [],
    filter: {},
    paused: false,
    newWhilePaused: 0,
    selectedSeq: null,
    loaded: false,
    error: null,
    async load() {
      try {
        const history = await client.call('logs.recent', { limit: HISTORY });
        const { lines } = get();
        const lastSeq = lines.length > 0 ? lines[lines.length - 1]!.seq : 0;
        // After a server restart the numbers start again: keep only the new run.
        const serverRestarted = history.length > 0 && history[history.length - 1]!.seq < lastSeq;
        const merged = serverRestarted ? history : mergeBySeq(history, lines);
        const kept = merged.length > MAX_LINES ? merged.slice(merged.length - MAX_LINES) : merged;
        set({ lines: kept, visible: kept.filter(matcher), loaded: true, error: null });
      } catch (err) {
        set({ error: (err as Error).message, loaded: true });
      }
    },
    setFilter(patch) {
      const filter = { ...get().filter, ...patch };
      for (const k of Object.keys(filter) as (keyof LogFilter)[]) if (!filter[k]) delete filter[k];
      matcher = lineMatcher(filter);
      set({ filter, visible: isEmptyFilter(filter) ? get().lines : get().lines.filter(matcher) });
    },
    clearFilter() {
      matcher = lineMatcher({});
      set({ filter: {}, visible: get().lines });
    },
    pause() {
      if (!get().paused) set({ paused: true, newWhilePaused: 0 });
    },
    resume() {
      set({ paused: false, newWhilePaused: 0 });
    },
    select(seq) {
      set({ selectedSeq: seq });
    },
    exportText(format) {
      const { visible } = get();
      return visible.map((l) => (format === 'jsonl' ? JSON.stringify(l) : formatLogLine(l))).join('\n') + '\n';
    },
  }));

  const append = (incoming: LogLine[]) => {
    const state = store.getState();
    const lastSeq = state.lines.length > 0 ? state.lines[state.lines.length - 1]!.seq : 0;
    const fresh = incoming.filter((l) => l.seq > lastSeq);
    if (fresh.length === 0) return;
    let lines = state.lines.concat(fresh);
    let visible = state.visible.concat(fresh.filter(matcher));
    if (lines.length > MAX_LINES) {
      lines = lines.slice(lines.length - MAX_LINES);
      const first = lines[0]!.seq;
      let drop = 0;
      while (drop < visible.length && visible[drop]!.seq < first) drop++;
      if (drop > 0) visible = visible.slice(drop);
    }
    const added = visible.length - state.visible.length;
    store.setState({ lines, visible, newWhilePaused: state.paused ? state.newWhilePaused + Math.max(0, added) : 0 });
  };

  const offEvents = client.subscribe((event) => {
    if (event.type === 'log') append(event.lines);
  });
  const offConnection = client.onConnection((state) => {
    if (state === 'open' && store.getState().loaded) void store.getState().load();
  });
  return Object.assign(store, {
    dispose() {
      offEvents();
      offConnection();
    },
  });
}

function mergeBySeq(a: LogLine[], b: LogLine[]): LogLine[] {
  const bySeq = new Map<number, LogLine>();
  for (const l of a) bySeq.set(l.seq, l);
  for (const l of b) bySeq.set(l.seq, l);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}
