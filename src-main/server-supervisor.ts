// Runs the mail server in a child process (Electron's utilityProcess in the app, a Node fork in
// tests) and keeps it running: restart with exponential backoff after a crash (reset once it has
// stayed up a while), give up after too many crashes in a row, stop gracefully on request.
// AdminApi calls travel as {id, method, params} messages and come back as {id, response}; events
// the server pushes, and the supervisor's own state, reach every listener.
import { EventEmitter } from 'node:events';
import type { AdminEvent, AdminResponse, SupervisorState } from '../src-mailserver/admin/contract.js';

/** What a child process looks like to the supervisor (utilityProcess and a fork adapter). */
export interface ChildHandle {
  readonly pid?: number;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'exit', listener: (code: number | null) => void): this;
  on(event: 'spawn', listener: () => void): this;
}

export type ForkChild = () => ChildHandle;

/** Messages the server's desktop entry sends (see src-mailserver/desktop-server.ts). */
export type ServerMessage =
  | { type: 'ready'; ports: Record<string, number> }
  | { type: 'response'; id: number; response: AdminResponse }
  | { type: 'event'; event: AdminEvent }
  | { type: 'fatal'; message: string };

export interface BackoffPolicy {
  /** Delay before the first restart. */
  initialMs: number;
  maxMs: number;
  /** Running this long counts as a good start: the next crash starts from initialMs again. */
  resetAfterMs: number;
  /** Crashes in a row (each restarted before resetAfterMs) before giving up. */
  maxRestarts: number;
  /** How long a stop may take before the child is killed. */
  stopGraceMs: number;
  /** How long a call may wait for its answer. */
  callTimeoutMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000, maxRestarts: 8, stopGraceMs: 12_000, callTimeoutMs: 60_000 };

export interface SupervisorOptions {
  fork: ForkChild;
  backoff?: Partial<BackoffPolicy>;
  now?: () => number;
}

interface Pending {
  resolve(response: AdminResponse): void;
  timer: NodeJS.Timeout;
}

export class ServerSupervisor extends EventEmitter {
  private child: ChildHandle | null = null;
  private readonly policy: BackoffPolicy;
  private readonly now: () => number;
  private current: SupervisorState = { state: 'stopped', restarts: 0, nextStartAt: null, lastExit: null };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private restartTimer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private wanted = false;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.now = options.now ?? Date.now;
  }

  get state(): SupervisorState {
    return { ...this.current };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start the server (a no-op while it runs). */
  start(): void {
    this.wanted = true;
    if (this.child || this.restartTimer) return;
    this.current = { ...this.current, restarts: 0, nextStartAt: null };
    this.spawn();
  }

  /** Stop the server gracefully (it finishes what is in flight); resolves once it has exited. */
  stop(): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const child = this.child;
    if (!child) {
      this.setState({ state: 'stopped', nextStartAt: null });
      return Promise.resolve();
    }
    this.stopping ??= new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill(), this.policy.stopGraceMs);
      this.once('exited', () => {
        clearTimeout(kill);
        this.stopping = null;
        resolve();
      });
      child.postMessage({ type: 'stop' });
    });
    return this.stopping;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /** One AdminApi call; answers `server_unavailable` while the server is not running. */
  call(method: string, params: unknown): Promise<AdminResponse> {
    const child = this.child;
    if (!child || this.current.state !== 'running') return Promise.resolve(unavailable(this.current));
    const id = this.nextId++;
    return new Promise<AdminResponse>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'server_unavailable', message: 'The mail server did not answer in time.' } });
      }, this.policy.callTimeoutMs);
      this.pending.set(id, { resolve, timer });
      child.postMessage({ type: 'call', id, method, params });
    });
  }

  private spawn(): void {
    this.setState({ state: 'starting', nextStartAt: null });
    const child = this.options.fork();
    this.child = child;
    this.startedAt = this.now();
    child.on('message', (message) => this.onMessage(child, message as ServerMessage));
    child.on('exit', (code) => this.onExit(child, code));
  }

  private onMessage(child: ChildHandle, message: ServerMessage): void {
    if (child !== this.child || !message || typeof message !== 'object') return;
    switch (message.type) {
      case 'ready':
        this.setState({ state: 'running' });
        this.emit('ready', message.ports);
        break;
      case 'response': {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        clearTimeout(p.timer);
        p.resolve(message.response);
        break;
      }
      case 'event':
        this.emit('event', message.event);
        break;
      case 'fatal':
        this.emit('fatal', message.message);
        break;
    }
  }

  private onExit(child: ChildHandle, code: number | null): void {
    if (child !== this.child) return;
    this.child = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: { code: 'server_unavailable', message: 'The mail server stopped before answering.' } });
      this.pending.delete(id);
    }
    const at = this.now();
    const lastExit = { code, at };
    this.emit('exited', code);
    if (!this.wanted) {
      this.setState({ state: 'stopped', nextStartAt: null, lastExit });
      return;
    }
    // A crash: back off, more each time it happens again soon after a start.
    const ranLongEnough = at - this.startedAt >= this.policy.resetAfterMs;
    const restarts = ranLongEnough ? 1 : this.current.restarts + 1;
    if (restarts > this.policy.maxRestarts) {
      this.wanted = false;
      this.setState({ state: 'failed', restarts: restarts - 1, nextStartAt: null, lastExit });
      return;
    }
    const delay = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** (restarts - 1));
    this.setState({ state: 'restarting', restarts, nextStartAt: at + delay, lastExit });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.wanted) this.spawn();
    }, delay);
  }

  private setState(patch: Partial<SupervisorState>): void {
    this.current = { ...this.current, ...patch };
    this.emit('state', this.state);
  }
}

function unavailable(state: SupervisorState): AdminResponse {
  const message =
    state.state === 'restarting'
      ? 'The mail server is restarting after a crash.'
      : state.state === 'starting'
        ? 'The mail server is starting.'
        : state.state === 'failed'
          ? 'The mail server keeps stopping; restart it from the tray menu.'
          : 'The mail server is stopped.';
  return { ok: false, error: { code: 'server_unavailable', message } };
}
