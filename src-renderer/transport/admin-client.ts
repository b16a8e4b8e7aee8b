// The UI's one way to reach the server: typed AdminApi calls and the event stream, whatever
// carries them (Electron IPC through window.mailAdmin, or HTTP + WebSocket in a browser).
import type { AdminEvent, AdminMethod, AdminParams, AdminResponse, AdminResult } from '../../src-mailserver/admin/contract.js';

/** `open`: events flow; `connecting`: (re)connecting; `unauthorized`: the token is missing or wrong. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

export interface AdminClient {
  call<M extends AdminMethod>(method: M, params: AdminParams<M>): Promise<AdminResult<M>>;
  subscribe(listener: (event: AdminEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly connection: ConnectionState;
  /** Which transport: shown in the UI's about box and used to hide desktop-only settings. */
  readonly kind: 'ipc' | 'http' | 'test';
}

/** An AdminApi error as the server reported it ({code, message}). */
export class AdminCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminCallError';
  }
}

export function unwrap<R>(response: AdminResponse): R {
  if (response.ok) return response.result as R;
  throw new AdminCallError(response.error.code, response.error.message);
}

/** Small fan-out of listeners shared by the transports. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const l of [...this.set]) {
      try {
        l(value);
      } catch (err) {
        console.error(err);
      }
    }
  }
}

/** Calls that meet a server restarting (connection refused, `server_unavailable`) are tried again for a while. */
export async function retryWhileRestarting<T>(attempt: () => Promise<T>, options: { tries?: number; delayMs?: number } = {}): Promise<T> {
  const tries = options.tries ?? 20;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof AdminCallError) || err.code !== 'server_unavailable' || i >= tries) throw err;
      await new Promise((r) => setTimeout(r, options.delayMs ?? 500));
    }
  }
}
