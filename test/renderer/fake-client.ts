// A scripted AdminClient for the store tests: answers calls from a table of functions, records
// them, and lets the test push events and connection changes.
import type { AdminEvent, AdminMethod, AdminParams, AdminResult } from '../../src-mailserver/admin/contract.js';
import { AdminCallError, Listeners, type AdminClient, type ConnectionState } from '../../src-renderer/transport/admin-client.js';

type Answer = (params: never) => unknown;
export type Answers = { [M in AdminMethod]?: (params: AdminParams<M>) => AdminResult<M> | Promise<AdminResult<M>> };

export class FakeClient implements AdminClient {
  readonly kind = 'test' as const;
  readonly calls: { method: string; params: unknown }[] = [];
  private readonly events = new Listeners<AdminEvent>();
  private readonly states = new Listeners<ConnectionState>();
  connection: ConnectionState = 'open';

  private readonly answers: Partial<Record<AdminMethod, Answer>>;

  constructor(answers: Answers = {}) {
    this.answers = answers as Partial<Record<AdminMethod, Answer>>;
  }

  answer<M extends AdminMethod>(method: M, fn: (params: AdminParams<M>) => AdminResult<M> | Promise<AdminResult<M>>): void {
    this.answers[method] = fn as Answer;
  }

  async call<M extends AdminMethod>(method: M, params: AdminParams<M>): Promise<AdminResult<M>> {
    this.calls.push({ method, params });
    const fn = this.answers[method];
    if (!fn) throw new AdminCallError('unavailable', `${method} is not available in this version of the server`);
    return (await fn(params as never)) as AdminResult<M>;
  }

  subscribe(listener: (event: AdminEvent) => void): () => void {
    return this.events.add(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.states.add(listener);
  }

  emit(event: AdminEvent): void {
    this.events.emit(event);
  }

  setConnection(state: ConnectionState): void {
    this.connection = state;
    this.states.emit(state);
  }

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
