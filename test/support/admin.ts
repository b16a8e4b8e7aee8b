// Talking to a running server's admin API as a program would: the URL and token from the ready
// line of `mailserver serve`, calls as POST /api/<method> with a Bearer token, and the event
// WebSocket (ws client) collecting what arrives.
import { once } from 'node:events';
import WebSocket from 'ws';
import type { AdminEvent, AdminResponse } from '../../src-mailserver/admin/contract.js';
import type { ServerProcess } from './processes.js';

export interface AdminEndpoint {
  base: string;
  token: string;
  url: string;
}

export function adminEndpoint(server: ServerProcess): AdminEndpoint {
  const ready = [...server.lines].reverse().find((l) => l.startsWith('{"ready":true'));
  const url = (JSON.parse(ready!) as { admin: string }).admin;
  const parsed = new URL(url);
  return { base: parsed.origin, token: parsed.searchParams.get('token')!, url };
}

export async function adminCall<R = unknown>(admin: AdminEndpoint, method: string, params: unknown = {}): Promise<{ status: number; body: AdminResponse<R> }> {
  const send = () =>
    fetch(`${admin.base}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` },
      body: JSON.stringify(params),
    });
  let res: Response;
  try {
    res = await send();
  } catch {
    // A kept-alive connection to a server that has just restarted: once more on a new one.
    await new Promise((r) => setTimeout(r, 100));
    res = await send();
  }
  return { status: res.status, body: (await res.json()) as AdminResponse<R> };
}

/** Call and return the result, failing with the server's error otherwise. */
export async function adminOk<R = unknown>(admin: AdminEndpoint, method: string, params: unknown = {}): Promise<R> {
  const { body } = await adminCall<R>(admin, method, params);
  if (!body.ok) throw new Error(`${method}: ${body.error.code}: ${body.error.message}`);
  return body.result;
}

export interface EventTap {
  events: AdminEvent[];
  /** Resolve with the first event (already received or coming) that matches. */
  waitFor<T extends AdminEvent>(match: (e: AdminEvent) => e is T, timeoutMs?: number): Promise<T>;
  waitFor(match: (e: AdminEvent) => boolean, timeoutMs?: number): Promise<AdminEvent>;
  close(): void;
}

export async function tapEvents(admin: AdminEndpoint, headers: Record<string, string> = { Authorization: `Bearer ${admin.token}` }): Promise<EventTap> {
  const ws = new WebSocket(`${admin.base.replace(/^http/, 'ws')}/api/events`, { headers });
  const events: AdminEvent[] = [];
  const waiters: { match: (e: AdminEvent) => boolean; resolve: (e: AdminEvent) => void }[] = [];
  ws.on('message', (data) => {
    const event = JSON.parse(String(data)) as AdminEvent;
    events.push(event);
    for (const w of [...waiters]) {
      if (w.match(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  await once(ws, 'open');
  return {
    events,
    waitFor(match: (e: AdminEvent) => boolean, timeoutMs = 10_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<AdminEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms; got ${events.map((e) => e.type).join(',')}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    close: () => ws.close(),
  } as EventTap;
}
