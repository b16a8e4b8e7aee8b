// The main-process half of the renderer's AdminApi: `admin:call` (invoke) is answered only for
// the app window's own top frame on app://, with a method name of the right shape and JSON-like
// params, and forwarded to the server process; every AdminEvent (and the supervisor's state) is
// sent to the window as `admin:event`. Errors travel as values ({ok:false, error}), never throws.
import type { AdminEvent, AdminResponse } from '../src-mailserver/admin/contract.js';
import { isAppUrl } from './window-policy.js';

export const CALL_CHANNEL = 'admin:call';
export const EVENT_CHANNEL = 'admin:event';
const METHOD = /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/;
const MAX_PARAMS_BYTES = 1024 * 1024;

export interface IpcInvokeEvent {
  sender: { id: number };
  senderFrame?: { url: string; parent?: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface BridgeDeps {
  ipcMain: IpcMainLike;
  /** The web contents of the app window (null while there is none). */
  windowContents(): { id: number; send(channel: string, payload: unknown): void; isDestroyed(): boolean } | null;
  call(method: string, params: unknown): Promise<AdminResponse>;
}

/** Whether a call comes from our window's own page (not a frame, not another page). */
export function isTrustedSender(event: IpcInvokeEvent, windowId: number | null): boolean {
  if (windowId === null || event.sender.id !== windowId) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false;
  return isAppUrl(frame.url);
}

export function checkCall(method: unknown, params: unknown): string | null {
  if (typeof method !== 'string' || !METHOD.test(method)) return 'invalid method name';
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) return 'params must be an object';
  try {
    if (JSON.stringify(params ?? {}).length > MAX_PARAMS_BYTES) return 'params too large';
  } catch {
    return 'params must be plain data';
  }
  return null;
}

export function registerAdminBridge(deps: BridgeDeps): { sendEvent(event: AdminEvent): void; dispose(): void } {
  deps.ipcMain.handle(CALL_CHANNEL, async (event, method, params): Promise<AdminResponse> => {
    const contents = deps.windowContents();
    if (!isTrustedSender(event, contents && !contents.isDestroyed() ? contents.id : null)) {
      return { ok: false, error: { code: 'unauthorized', message: 'calls are accepted from the app window only' } };
    }
    const problem = checkCall(method, params);
    if (problem) return { ok: false, error: { code: 'invalid', message: problem } };
    return deps.call(method as string, params ?? {});
  });
  return {
    sendEvent(event) {
      const contents = deps.windowContents();
      if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
    },
    dispose() {
      deps.ipcMain.removeHandler(CALL_CHANNEL);
    },
  };
}
