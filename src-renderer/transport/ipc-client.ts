// The AdminApi inside the desktop app: the preload script's window.mailAdmin forwards calls to
// the Electron main process, which hands them to the server's utility process; events come
// back the same way. The connection is "open" while the main process says the server runs.
import type { AdminEvent, AdminMethod, AdminParams, AdminResult, MailAdminBridge } from '../../src-mailserver/admin/contract.js';
import { Listeners, retryWhileRestarting, unwrap, type AdminClient, type ConnectionState } from './admin-client.js';

export class IpcAdminClient implements AdminClient {
  readonly kind = 'ipc' as const;
  private readonly events = new Listeners<AdminEvent>();
  private readonly states = new Listeners<ConnectionState>();
  private state: ConnectionState = 'open';

  constructor(private readonly bridge: MailAdminBridge) {
    bridge.onEvent((event) => {
      if (event.type === 'supervisor') this.setState(event.supervisor.state === 'running' ? 'open' : 'connecting');
      this.events.emit(event);
    });
  }

  get connection(): ConnectionState {
    return this.state;
  }

  call<M extends AdminMethod>(method: M, params: AdminParams<M>): Promise<AdminResult<M>> {
    return retryWhileRestarting(async () => unwrap<AdminResult<M>>(await this.bridge.call(method, params ?? {})));
  }

  subscribe(listener: (event: AdminEvent) => void): () => void {
    return this.events.add(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.states.add(listener);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.states.emit(state);
  }
}
