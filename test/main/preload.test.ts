// The preload script, run as the sandbox would run it (CommonJS, `electron` its only import,
// stubbed here): it exposes exactly window.mailAdmin = {call, onEvent}, forwards calls to the
// admin:call channel, delivers admin:event payloads, and unsubscribes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';

test('the preload exposes a narrow window.mailAdmin and no ipcRenderer', async () => {
  const require = createRequire(import.meta.url);
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, result: 1 }),
  });
  const stub = { contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (exposed[name] = api) }, ipcRenderer };
  const electronPath = require.resolve('electron');
  require.cache[electronPath] = { id: electronPath, filename: electronPath, loaded: true, exports: stub } as never;
  require('../../src-main/preload.cts');
  assert.deepEqual(Object.keys(exposed), ['mailAdmin']);
  const api = exposed.mailAdmin as { call(m: unknown, p: unknown): Promise<unknown>; onEvent(l: unknown): () => void };
  assert.deepEqual(Object.keys(api).sort(), ['call', 'onEvent']);
  assert.deepEqual(await api.call('status.get', {}), { ok: true, result: 1 });
  assert.deepEqual(invoked, [['admin:call', 'status.get', {}]]);
  const seen: unknown[] = [];
  const off = api.onEvent((e: unknown) => seen.push(e));
  ipcRenderer.emit('admin:event', {}, { type: 'directory' });
  off();
  ipcRenderer.emit('admin:event', {}, { type: 'directory' });
  assert.deepEqual(seen, [{ type: 'directory' }]);
  assert.equal(ipcRenderer.listenerCount('admin:event'), 0);
  assert.throws(() => api.onEvent('not a function'), /listener must be a function/);
});
