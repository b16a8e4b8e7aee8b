// The log view's store: history joined with the live stream by sequence number, the cap on lines
// kept, the filtered view kept up to date incrementally, pause / resume with the count of new
// lines, export, and a reload after reconnecting (a restarted server starts numbering again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../../src-mailserver/admin/contract.js';
import { createLogStore, MAX_LINES } from '../../src-renderer/stores/log-store.js';
import { FakeClient, tick } from './fake-client.js';

const line = (seq: number, over: Partial<LogLine> = {}): LogLine => ({ seq, time: 1_700_000_000_000 + seq, level: 'info', component: 'smtp', msg: `line ${seq}`, fields: {}, ...over });

test('history and live lines join without gaps or duplicates; the filter applies to both', async () => {
  const client = new FakeClient();
  client.answer('logs.recent', () => [line(1), line(2), line(3, { level: 'error', msg: 'boom', fields: { queueId: 'q9' } })]);
  const store = createLogStore(client);
  client.emit({ type: 'log', lines: [line(3), line(4)] }); // arrives before the history
  await store.getState().load();
  client.emit({ type: 'log', lines: [line(4), line(5, { level: 'warn' })] });
  assert.deepEqual(
    store.getState().lines.map((l) => l.seq),
    [1, 2, 3, 4, 5],
  );
  store.getState().setFilter({ level: 'warn' });
  assert.deepEqual(
    store.getState().visible.map((l) => l.seq),
    [3, 5],
  );
  client.emit({ type: 'log', lines: [line(6, { level: 'error' }), line(7)] });
  assert.deepEqual(
    store.getState().visible.map((l) => l.seq),
    [3, 5, 6],
  );
  store.getState().setFilter({ level: undefined, id: 'q9' });
  assert.deepEqual(store.getState().filter, { id: 'q9' });
  assert.deepEqual(
    store.getState().visible.map((l) => l.seq),
    [3],
  );
  store.getState().clearFilter();
  assert.equal(store.getState().visible.length, 7);
  assert.deepEqual(client.calls, [{ method: 'logs.recent', params: { limit: 5000 } }]);
  store.dispose();
});

test('pause counts new matching lines; resume clears the count; export gives what the filter shows', async () => {
  const client = new FakeClient({ 'logs.recent': () => [] });
  const store = createLogStore(client);
  await store.getState().load();
  store.getState().setFilter({ text: 'keep' });
  store.getState().pause();
  client.emit({ type: 'log', lines: [line(1, { msg: 'keep me', fields: { user: 'a b' } }), line(2, { msg: 'drop' }), line(3, { msg: 'keep too' })] });
  assert.equal(store.getState().paused, true);
  assert.equal(store.getState().newWhilePaused, 2);
  store.getState().resume();
  assert.equal(store.getState().newWhilePaused, 0);
  const text = store.getState().exportText('text').split('\n');
  assert.equal(text.length, 3);
  assert.match(text[0]!, /^2023-11-14T22:13:20\.001Z INFO  smtp keep me user="a b"$/);
  const jsonl = store.getState().exportText('jsonl').trim().split('\n').map((l) => JSON.parse(l) as LogLine);
  assert.deepEqual(
    jsonl.map((l) => l.seq),
    [1, 3],
  );
  store.dispose();
});

test('at most MAX_LINES are kept, oldest dropped from the lines and the view alike', async () => {
  const client = new FakeClient({ 'logs.recent': () => [] });
  const store = createLogStore(client);
  await store.getState().load();
  store.getState().setFilter({ level: 'warn' });
  const batch: LogLine[] = [];
  for (let seq = 1; seq <= MAX_LINES + 1000; seq++) batch.push(line(seq, { level: seq % 10 === 0 ? 'warn' : 'info' }));
  for (let i = 0; i < batch.length; i += 500) client.emit({ type: 'log', lines: batch.slice(i, i + 500) });
  const { lines, visible } = store.getState();
  assert.equal(lines.length, MAX_LINES);
  assert.equal(lines[0]!.seq, 1001);
  assert.equal(visible[0]!.seq, 1010);
  assert.equal(visible.length, MAX_LINES / 10);
  store.dispose();
});

test('after reconnecting to a restarted server, the history replaces the old run', async () => {
  let run = 1;
  const client = new FakeClient({ 'logs.recent': () => (run === 1 ? [line(1), line(2), line(3)] : [line(1, { msg: 'new run' })]) });
  const store = createLogStore(client);
  await store.getState().load();
  run = 2;
  client.setConnection('connecting');
  client.setConnection('open');
  await tick(5);
  assert.deepEqual(
    store.getState().lines.map((l) => l.msg),
    ['new run'],
  );
  store.dispose();
});
