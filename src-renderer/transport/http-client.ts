// The AdminApi over HTTP + WebSocket, for the UI served by `mailserver serve`: calls are
// `POST /api/<method>` (the token travels in the cookie the server set), events arrive on the
// WebSocket `/api/events`, which reconnects with backoff after a restart or a network blip.
import type { AdminEvent, AdminMethod, AdminParams, AdminResponse, AdminResult } from '../../src-mailserver/admin/contract.js';
import { AdminCallError, Listeners, retryWhileRestarting, unwrap, type AdminClient, type ConnectionState } from './admin-client.js';

export class HttpAdminClient implements AdminClient {
  readonly kind = 'http' as const;
  private readonly events = new Listeners<AdminEvent>();
  private readonly states = new Listeners<ConnectionState>();
  private state: ConnectionState = 'connecting';
  private socket: WebSocket | null = null;
  private retryMs = 500;
  private closed = false;

  constructor(private readonly base: string = location.origin) {
    this.connect();
  }

  get connection(): ConnectionState {
    return this.state;
  }

  call<M extends AdminMethod>(method: M, params: AdminParams<M>): Promise<AdminResult<M>> {
    return retryWhileRestarting(() => this.callOnce(method, params));
  }

  private async callOnce<M extends AdminMethod>(method: M, params: AdminParams<M>): Promise<AdminResult<M>> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(params ?? {}),
        credentials: 'same-origin',
      });
    } catch {
      throw new AdminCallError('server_unavailable', 'The server cannot be reached.');
    }
    if (res.status === 401) {
      this.setState('unauthorized');
      throw new AdminCallError('unauthorized', 'Open the address with the token that `mailserver serve` printed.');
    }
    let body: AdminResponse;
    try {
      body = (await res.json()) as AdminResponse;
    } catch {
      throw new AdminCallError('internal', `Unexpected answer from the server (HTTP ${res.status}).`);
    }
    return unwrap<AdminResult<M>>(body);
  }

  subscribe(listener: (event: AdminEvent) => void): () => void {
    return this.events.add(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.states.add(listener);
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.states.emit(state);
  }

  private connect(): void {
    if (this.closed) return;
    const url = this.base.replace(/^http/, 'ws') + '/api/events';
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 500;
      this.setState('open');
    };
    socket.onmessage = (msg) => {
      try {
        this.events.emit(JSON.parse(String(msg.data)) as AdminEvent);
      } catch {
        /* not an event */
      }
    };
    socket.onclose = () => {
      this.socket = null;
      if (this.closed) return this.setState('closed');
      if (this.state !== 'unauthorized') this.setState('connecting');
      // A refused upgrade may mean a missing token: ask once, to tell the user which.
      void this.probeAuth();
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private async probeAuth(): Promise<void> {
    try {
      const res = await fetch(`${this.base}/api/status.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      if (res.status === 401) this.setState('unauthorized');
    } catch {
      /* server down: still connecting */
    }
  }
}
