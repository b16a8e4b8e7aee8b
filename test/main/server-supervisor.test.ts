// The desktop app's server supervision, Electron stubbed by a Node fork of the real server
// process: start and AdminApi calls over the parent port, a kill -9 restarted with backoff and
// shown as state, a graceful stop, calls refused while down, repeated crashes backing off more
// each time and then giving up; and, run as a normal user, port 25 failing without stopping the
// server, with the fixes in the status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminEvent, ServerStatus, SupervisorState } from '../../src-mailserver/admin/contract.js';
import { ServerSupervisor } from '../../src-main/server-supervisor.js';
import { forkDesktopServer, writeDesktopConfig } from '../support/desktop-child.js';
import { makeTempDir } from '../support/temp-dir.js';

function waitFor<T>(sup: ServerSupervisor, event: string, match: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} in ${timeoutMs} ms`)), timeoutMs);
    const on = (v: T) => {
      if (!match(v)) return;
      clearTimeout(timer);
      sup.off(event, on);
      resolve(v);
    };
    sup.on(event, on);
  });
}

test('the real server under supervision: calls, kill -9 restarted with backoff, graceful stop', async (t) => {
  const dir = await makeTempDir();
  writeDesktopConfig(dir.path);
  const states: SupervisorState[] = [];
  const sup = new ServerSupervisor({ fork: () => forkDesktopServer(['--data', dir.path]), backoff: { initialMs: 300, resetAfterMs: 60_000 } });
  sup.on('state', (s: SupervisorState) => states.push(s));
  t.after(() => sup.stop());
  t.after(() => dir.remove());
  assert.deepEqual(await sup.call('status.get', {}), { ok: false, error: { code: 'server_unavailable', message: 'The mail server is stopped.' } });
  sup.start();
  const ports = await waitFor<Record<string, number>>(sup, 'ready', () => true);
  assert.ok(ports.smtp! > 0);
  assert.equal(sup.state.state, 'running');
  const r = await sup.call('status.get', {});
  assert.ok(r.ok);
  const status = r.result as ServerStatus;
  assert.equal(status.mode, 'desktop');
  assert.equal(status.listeners.find((l) => l.name === 'smtp')!.port, ports.smtp);

  const directory = waitFor<AdminEvent>(sup, 'event', (e) => e.type === 'directory');
  const added = await sup.call('domains.add', { name: 'example.test' });
  assert.ok(added.ok);
  await directory;
  const invalid = await sup.call('domains.add', { name: 'nope' });
  assert.equal(!invalid.ok && invalid.error.code, 'invalid');

  // A crash: the supervisor says so and starts it again after the backoff.
  const firstPid = sup.pid!;
  const restarting = waitFor<SupervisorState>(sup, 'state', (s) => s.state === 'restarting');
  process.kill(firstPid, 'SIGKILL');
  const crashed = await restarting;
  assert.equal(crashed.restarts, 1);
  assert.equal(crashed.lastExit!.code, null);
  assert.ok(crashed.nextStartAt! - crashed.lastExit!.at >= 300);
  assert.equal((await sup.call('status.get', {})).ok, false, 'no answers while restarting');
  await waitFor<Record<string, number>>(sup, 'ready', () => true);
  assert.notEqual(sup.pid, firstPid);
  const domains = await sup.call('domains.list', {});
  assert.ok(domains.ok && (domains.result as { name: string }[])[0]!.name === 'example.test', 'the data survived');

  // Stop: the server finishes and exits 0; nothing restarts it.
  await sup.stop();
  assert.equal(sup.state.state, 'stopped');
  assert.equal(sup.state.lastExit!.code, 0);
  assert.deepEqual(
    states.map((s) => s.state),
    ['starting', 'running', 'restarting', 'starting', 'running', 'stopped'],
  );
});

test('a server that keeps crashing is restarted with growing delays, then given up', async (t) => {
  const dir = await makeTempDir();
  const crasher = join(dir.path, 'crash.mjs');
  writeFileSync(crasher, "process.send({ type: 'fatal', message: 'boom' }); setTimeout(() => process.exit(3), 10);\n");
  const sup = new ServerSupervisor({
    fork: () => forkDesktopServer([], { modulePath: crasher }),
    backoff: { initialMs: 40, maxMs: 120, resetAfterMs: 10_000, maxRestarts: 4 },
  });
  const fatal: string[] = [];
  sup.on('fatal', (m: string) => fatal.push(m));
  const states: SupervisorState[] = [];
  sup.on('state', (s: SupervisorState) => states.push(s));
  const failed = waitFor<SupervisorState>(sup, 'state', (s) => s.state === 'failed');
  sup.start();
  const final = await failed;
  t.after(() => sup.stop());
  t.after(() => dir.remove());
  const delays = states.filter((s) => s.state === 'restarting').map((s) => s.nextStartAt! - s.lastExit!.at);
  assert.deepEqual(delays, [40, 80, 120, 120]);
  assert.equal(final.restarts, 4);
  assert.equal(final.lastExit!.code, 3);
  assert.ok(fatal.length >= 4 && fatal.every((m) => m === 'boom'));
  // Starting by hand tries again from the beginning.
  const again = waitFor<SupervisorState>(sup, 'state', (s) => s.state === 'restarting');
  sup.start();
  assert.equal((await again).restarts, 1);
  await sup.stop();
  assert.equal(sup.state.state, 'stopped');
});

test('as a normal user, port 25 fails but the server runs and the status carries the fixes', async (t) => {
  const dir = await makeTempDir();
  chownSync(dir.path, 65534, 65534);
  writeDesktopConfig(dir.path, { listen: '127.0.7.51', ports: { smtp: 25, submission: 0 } }, 65534);
  const sup = new ServerSupervisor({ fork: () => forkDesktopServer(['--data', dir.path], { uid: 65534, gid: 65534, env: { HOME: dir.path } }) });
  t.after(() => sup.stop());
  t.after(() => dir.remove());
  sup.start();
  const ports = await waitFor<Record<string, number>>(sup, 'ready', () => true);
  assert.equal(ports.smtp, undefined);
  assert.ok(ports.submission! > 1024);
  const r = await sup.call('status.get', {});
  assert.ok(r.ok);
  const status = r.result as ServerStatus;
  const smtp = status.listeners.find((l) => l.name === 'smtp')!;
  assert.equal(smtp.state, 'error');
  assert.deepEqual(smtp.error, { code: 'EACCES', message: 'port 25 needs permission to open' });
  assert.equal(status.overall, 'error');
  assert.deepEqual(status.portProblem!.ports, [25]);
  assert.deepEqual(
    status.portProblem!.fixes.map((f) => f.id),
    ['sysctl', 'setcap', 'redirect'],
  );
  assert.equal(status.portProblem!.fixes[0]!.commands[0], 'sudo sysctl -w net.ipv4.ip_unprivileged_port_start=25');
  assert.deepEqual(status.portProblem!.fixes[2]!.ports, { smtp: 2525 });
  assert.ok(status.attention.some((a) => a.id === 'listener:smtp' && a.severity === 'error'));
});
