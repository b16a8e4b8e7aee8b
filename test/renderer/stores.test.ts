// The UI's other stores against a scripted client: status (events, the chart refetched when the
// counters move, supervisor state), directory (reloads after a change and on `directory` events),
// queue (unavailable, selection, operations, live reload), wizard (which steps may open, order,
// finish with a restart), DNS (unavailable, watching stops), settings (restart flag).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueueItem, QueueItemDetail, ServerStatus, WizardState } from '../../src-mailserver/admin/contract.js';
import { createDirectoryStore } from '../../src-renderer/stores/directory-store.js';
import { createDnsStore } from '../../src-renderer/stores/dns-store.js';
import { createQueueStore } from '../../src-renderer/stores/queue-store.js';
import { createSettingsStore } from '../../src-renderer/stores/settings-store.js';
import { createStatusStore } from '../../src-renderer/stores/status-store.js';
import { canOpen, createWizardStore } from '../../src-renderer/stores/wizard-store.js';
import { FakeClient, tick } from './fake-client.js';

function status(received: number): ServerStatus {
  return {
    version: '0.1.0',
    mode: 'headless',
    hostname: 'mail.example.test',
    startedAt: 1,
    overall: 'running',
    incomingPaused: false,
    listeners: [],
    counters: { received, sent: 0, rejected: 0, deferred: 0, bounced: 0, authFailures: 0 },
    queue: null,
    certificates: [],
    recentErrors: [],
    attention: [],
    portProblem: null,
    domains: 1,
    accounts: 1,
    setupComplete: true,
  };
}

test('status: events replace the status; moving counters refetch the chart; supervisor and connection', async () => {
  const client = new FakeClient({ 'status.get': () => status(0), 'metrics.hourly': ({ hours }) => Array.from({ length: hours ?? 24 }, (_, i) => ({ hour: i, received: 0, sent: 0, rejected: 0, deferred: 0, bounced: 0 })) });
  const store = createStatusStore(client);
  await store.getState().refresh();
  assert.equal(store.getState().hourly.length, 24);
  client.emit({ type: 'status', status: status(0) });
  await tick();
  assert.equal(client.methods().filter((m) => m === 'metrics.hourly').length, 1, 'same counters: no refetch');
  client.emit({ type: 'status', status: status(5) });
  await tick();
  assert.equal(store.getState().status!.counters.received, 5);
  assert.equal(client.methods().filter((m) => m === 'metrics.hourly').length, 2);
  await store.getState().setHours(48);
  assert.equal(store.getState().hourly.length, 48);
  client.emit({ type: 'supervisor', supervisor: { state: 'restarting', restarts: 2, nextStartAt: 99, lastExit: { code: 1, at: 5 } } });
  assert.equal(store.getState().supervisor!.state, 'restarting');
  client.setConnection('connecting');
  assert.equal(store.getState().connection, 'connecting');
  client.setConnection('open');
  await tick();
  assert.equal(client.methods().filter((m) => m === 'status.get').length, 2, 'reconnecting refreshes');
  store.dispose();
});

test('directory: reload after each change and on directory events', async () => {
  let domains = 0;
  const client = new FakeClient({
    'domains.list': () => Array.from({ length: domains }, (_, i) => ({ name: `d${i}.test`, display: `d${i}.test`, createdAt: 0, accounts: 0, aliases: 0, dkimSelectors: [], missingRoleAddresses: [] })),
    'accounts.list': () => [],
    'aliases.list': () => [],
    'domains.add': ({ name }) => {
      domains++;
      return { name, display: name, createdAt: 0, accounts: 0, aliases: 0, dkimSelectors: ['rsa', 'ed'], missingRoleAddresses: [] };
    },
  });
  const store = createDirectoryStore(client);
  await store.getState().load();
  assert.equal(store.getState().domains.length, 0);
  await store.getState().addDomain('d0.test');
  assert.equal(store.getState().domains.length, 1);
  domains = 3;
  client.emit({ type: 'directory' });
  await tick(150);
  assert.equal(store.getState().domains.length, 3);
  store.dispose();
});

test('queue: says when there is no queue; selection, operations and live reloads', async () => {
  const none = createQueueStore(new FakeClient());
  await none.getState().load();
  assert.equal(none.getState().available, false);
  assert.equal(none.getState().error, null);
  none.dispose();

  const item = (id: string): QueueItem => ({
    id,
    sender: 'me@example.test',
    recipients: [{ address: 'x@remote.test', state: 'deferred', attempts: 1, lastAttemptAt: 1, nextAttemptAt: 2, lastReply: { code: 451, text: 'try later' } }],
    state: 'deferred',
    arrivedAt: 1,
    size: 10,
    attempts: 1,
    nextAttemptAt: 2,
    lastError: '451 try later',
    messageId: null,
    subject: null,
    counts: { delivered: 0, pending: 1, failed: 0 },
  });
  let items = [item('q1'), item('q2')];
  const client = new FakeClient({
    'queue.list': ({ filter }) => items.filter((i) => !filter?.text || i.id.includes(filter.text)),
    'queue.show': ({ id }): QueueItemDetail => ({ ...item(id), nextDelayNoticeAt: null, expiresAt: null, history: [], headers: 'Subject: x' }),
    'queue.retry': ({ id }) => item(id),
    'queue.delete': ({ id }) => {
      items = items.filter((i) => i.id !== id);
      return { removed: id };
    },
  });
  const store = createQueueStore(client);
  await store.getState().load();
  assert.equal(store.getState().items.length, 2);
  await store.getState().setFilter({ text: 'q2' });
  assert.deepEqual(client.calls.at(-1), { method: 'queue.list', params: { filter: { text: 'q2' } } });
  await store.getState().setFilter({ text: '' });
  await store.getState().select('q1');
  assert.equal(store.getState().detail!.id, 'q1');
  await store.getState().act('q1', 'retry');
  assert.ok(client.methods().includes('queue.retry'));
  await store.getState().act('q1', 'delete');
  assert.equal(store.getState().selectedId, null);
  assert.deepEqual(
    store.getState().items.map((i) => i.id),
    ['q2'],
  );
  items = [];
  client.emit({ type: 'queue', summary: { total: 0, deferred: 0, held: 0, oldestAgeSeconds: 0 } });
  client.emit({ type: 'queue', summary: { total: 0, deferred: 0, held: 0, oldestAgeSeconds: 0 } });
  await tick(350);
  assert.equal(store.getState().items.length, 0);
  assert.equal(client.methods().filter((m) => m === 'queue.list').length, 6, 'two events, one reload');
  store.dispose();
});

test('wizard: earlier and current steps open, later ones do not; complete moves on; finish restarts when asked', async () => {
  const wiz: WizardState = { step: 'host', completed: [], finished: false, domain: null, account: null };
  assert.equal(canOpen(wiz, 'host'), true);
  assert.equal(canOpen(wiz, 'domain'), false);
  assert.equal(canOpen({ ...wiz, step: 'domain', completed: ['host'] }, 'host'), true);
  assert.equal(canOpen({ ...wiz, step: 'host', completed: ['host'] }, 'domain'), true, 'the first step not done');
  assert.equal(canOpen({ ...wiz, step: 'host', completed: ['host'] }, 'account'), false);

  let saved: WizardState = { ...wiz };
  const client = new FakeClient({
    'wizard.get': () => saved,
    'wizard.save': (patch) => (saved = { ...saved, ...patch }),
    'server.restart': () => ({ restarting: true as const }),
  });
  const store = createWizardStore(client);
  await store.getState().load();
  await store.getState().goTo('account');
  assert.equal(saved.step, 'host', 'a later step does not open');
  await store.getState().complete('host');
  assert.deepEqual([saved.step, saved.completed], ['domain', ['host']]);
  await store.getState().complete('domain', { domain: 'example.test' });
  assert.deepEqual([saved.step, saved.domain], ['account', 'example.test']);
  await store.getState().goTo('host');
  assert.equal(saved.step, 'host');
  store.getState().noteRestartNeeded();
  await store.getState().finish();
  assert.equal(saved.finished, true);
  assert.equal(saved.completed.length, 8);
  assert.ok(client.methods().includes('server.restart'));
  assert.equal(store.getState().restartNeeded, false);
});

test('dns: unavailable is a state, not an error; watch re-checks until stopped', async () => {
  const none = createDnsStore(new FakeClient());
  await none.getState().loadRecords('example.test');
  assert.equal(none.getState().available, false);
  assert.equal(none.getState().error, null);

  let checks = 0;
  const client = new FakeClient({ 'dns.check': ({ domain }) => ({ domain, checkedAt: ++checks, checks: [] }) });
  const store = createDnsStore(client);
  const stop = store.getState().watch('example.test', 20);
  await tick(70);
  stop();
  const after = checks;
  assert.ok(after >= 2, `checked ${after} times`);
  await tick(50);
  assert.equal(checks, after);
  client.emit({ type: 'dns', report: { domain: 'other.test', checkedAt: 7, checks: [] } });
  assert.equal(store.getState().reports['other.test']!.checkedAt, 7);
  store.dispose();
});

test('settings: a change that needs a restart raises the flag until the restart', async () => {
  const client = new FakeClient({
    'settings.update': () => ({ settings: {} as never, restartRequired: true }),
    'server.restart': () => ({ restarting: true as const }),
  });
  const store = createSettingsStore(client);
  assert.equal(await store.getState().update({ hostname: 'x.test' }), true);
  assert.equal(store.getState().restartRequired, true);
  await store.getState().restart();
  assert.equal(store.getState().restartRequired, false);
  store.dispose();
});
