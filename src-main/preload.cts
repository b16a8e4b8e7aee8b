// Preload of the app window (sandboxed, so CommonJS and only `electron`'s renderer modules): it
// exposes a narrow window.mailAdmin with two functions, never ipcRenderer itself. The main
// process checks every call again (ipc-bridge.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';

const { contextBridge, ipcRenderer } = electron;

const CALL_CHANNEL = 'admin:call';
const EVENT_CHANNEL = 'admin:event';

contextBridge.exposeInMainWorld('mailAdmin', {
  call(method: string, params: unknown): Promise<unknown> {
    return ipcRenderer.invoke(CALL_CHANNEL, String(method), params);
  },
  onEvent(listener: (event: unknown) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
});
