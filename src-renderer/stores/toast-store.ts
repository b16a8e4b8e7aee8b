// Short messages at the corner of the screen (an action done, an error), announced to screen
// readers through an aria-live region; errors stay until dismissed, the rest fade after 5 s.
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface ToastState {
  toasts: Toast[];
  show(text: string, kind?: Toast['kind']): void;
  dismiss(id: number): void;
}

export function createToastStore(): StoreApi<ToastState> {
  let next = 1;
  return createStore<ToastState>()((set, get) => ({
    toasts: [],
    show(text, kind = 'info') {
      const id = next++;
      set({ toasts: [...get().toasts.slice(-4), { id, kind, text }] });
      if (kind === 'info') setTimeout(() => get().dismiss(id), 5000);
    },
    dismiss(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
  }));
}
