// The desktop app as electron-builder packages it, as far as this machine allows (Electron's
// binary cannot be downloaded here): the sources compiled with tsconfig.build.json; the compiled
// server process (plain Node, as a utility process runs it) supervised and answering; then
// electron-builder's own `--linux dir` packaging with electron-builder.yml and a stand-in Electron
// distribution: the archive holds the entry, preload, server, UI and icons, the native modules
// are unpacked for the loader, and sources, tests and dev dependencies stay out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, readdir, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { ServerSupervisor } from '../../src-main/server-supervisor.js';
import { forkDesktopServer, writeDesktopConfig } from '../support/desktop-child.js';
import { ROOT, run } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

// Types are checked by `npm run typecheck`; here only the emitted JavaScript matters (--noCheck).
test('compiled and packaged: the server runs from dist/, electron-builder lays out the app', { timeout: 900_000 }, async (t) => {
  const work = await makeTempDir('package-');
  t.after(() => work.remove());
  const app = join(work.path, 'app');
  await mkdir(app);
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'electron-builder.yml', 'src-mailserver', 'src-main', 'assets', 'dist-renderer']) {
    await cp(join(ROOT, entry), join(app, entry), { recursive: true });
  }
  await symlink(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noCheck'], { cwd: app, timeoutMs: 600_000 });
  assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);

  // The compiled server process under the supervisor, without tsx.
  const data = join(work.path, 'data');
  await mkdir(data);
  writeDesktopConfig(data, { ports: { admin: 0 } });
  const sup = new ServerSupervisor({ fork: () => forkDesktopServer(['--data', data], { modulePath: join(app, 'dist/src-mailserver/desktop-server.js'), execArgv: [] }) });
  t.after(() => sup.stop());
  const ready = new Promise((resolve) => sup.once('ready', resolve));
  sup.start();
  await ready;
  const status = await sup.call('status.get', {});
  assert.ok(status.ok, JSON.stringify(status));
  assert.equal((status.result as { version: string }).version, JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
  await sup.stop();
  assert.equal(sup.state.lastExit!.code, 0);

  // electron-builder with the project's configuration and a stand-in Electron.
  const fakeElectron = join(work.path, 'electron-dist');
  await mkdir(join(fakeElectron, 'resources'), { recursive: true });
  await writeFile(join(fakeElectron, 'electron'), '#!/bin/sh\n');
  await chmod(join(fakeElectron, 'electron'), 0o755);
  for (const f of ['LICENSE', 'LICENSES.chromium.html']) await writeFile(join(fakeElectron, f), '');
  await writeFile(join(fakeElectron, 'version'), '41.10.0');
  const out = join(work.path, 'release');
  const builder = await run(
    process.execPath,
    [join(ROOT, 'node_modules/electron-builder/cli.js'), '--linux', 'dir', '-c.npmRebuild=false', `-c.electronDist=${fakeElectron}`, '-c.electronVersion=41.10.0', `-c.directories.output=${out}`],
    { cwd: app, timeoutMs: 600_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CI: '1' } },
  );
  assert.equal(builder.code, 0, builder.stdout + builder.stderr);
  const unpacked = join(out, 'linux-unpacked');
  assert.ok((await readdir(unpacked)).includes('homemail'), 'the executable is named homemail');
  const list = await run(join(ROOT, 'node_modules/.bin/asar'), ['list', join(unpacked, 'resources/app.asar')]);
  assert.equal(list.code, 0, list.stderr);
  const files = new Set(list.stdout.split('\n').map((l) => l.trim()));
  for (const f of [
    '/package.json',
    '/dist/src-main/main.js',
    '/dist/src-main/preload.cjs',
    '/dist/src-mailserver/desktop-server.js',
    '/dist-renderer/index.html',
    '/assets/icon.png',
    '/assets/tray/running.png',
    '/assets/tray/runningTemplate@2x.png',
    '/node_modules/better-sqlite3/package.json',
    '/node_modules/keytar/package.json',
  ]) {
    assert.ok(files.has(f), `${f} in app.asar`);
  }
  for (const f of files) {
    assert.ok(!/^\/(src-|test\/)/.test(f) && !/\.ts$/.test(f) && !f.endsWith('.map'), `${f} should not be packaged`);
    assert.ok(!/^\/node_modules\/(react|vite|electron|playwright-core|typescript)\//.test(f), `dev dependency packaged: ${f}`);
  }
  const pkg = JSON.parse((await run(join(ROOT, 'node_modules/.bin/asar'), ['extract-file', join(unpacked, 'resources/app.asar'), 'package.json'], { cwd: work.path })).stdout || (await readFile(join(work.path, 'package.json'), 'utf8')));
  assert.equal(pkg.main, 'dist/src-main/main.js');
  const natives = (await readdir(join(unpacked, 'resources/app.asar.unpacked/node_modules'), { recursive: true })).map(String).filter((f) => f.endsWith('.node'));
  for (const m of ['better-sqlite3', 'argon2', 'keytar']) assert.ok(natives.some((f) => f.startsWith(m + '/')), `${m} native module unpacked: ${natives.join(', ')}`);
});
