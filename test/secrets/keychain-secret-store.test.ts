// Secrets in the OS keychain: a private D-Bus session with GNOME Keyring's Secret Service (as on a
// Linux desktop), keytar storing and reading through it, a value from the 0600 file read through
// and moved into the keychain when set; and without any Secret Service, the file in its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createDesktopSecretStore } from '../../src-mailserver/secrets/keychain-secret-store.js';
import { run, ROOT } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

test('with GNOME Keyring on a D-Bus session, secrets go to the keychain, not the file', async (t) => {
  const home = await makeTempDir('keyring-home-');
  const data = await makeTempDir();
  t.after(() => Promise.all([home.remove(), data.remove()]));
  const child = join(ROOT, 'test', 'secrets', 'keychain-child.ts');
  const script = `echo -n test-login-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "${process.execPath}" --import tsx "${child}" "${data.path}"`;
  const env = { PATH: process.env.PATH, HOME: home.path, XDG_RUNTIME_DIR: home.path, XDG_DATA_HOME: join(home.path, 'data') };
  const r = await run('dbus-run-session', ['--', 'sh', '-c', script], { env, cwd: ROOT, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const seen = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  assert.equal(seen.kind, 'keychain', String(seen.reason));
  assert.equal(seen.readThrough, 'old-file-secret', 'a value only in the file is still found');
  assert.equal(seen.afterSet, 'new-keychain-secret');
  assert.equal(seen.inKeychain, 'new-keychain-secret');
  assert.deepEqual(JSON.parse(String(seen.fileText)), {}, 'the file no longer holds it');
  assert.equal(seen.afterDelete, null);
  assert.equal(seen.keychainAfterDelete, null);
  assert.equal(seen.token, 'tok');
});

test('without a Secret Service the 0600 file is used, and says why', async (t) => {
  const data = await makeTempDir();
  t.after(() => data.remove());
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/bus';
  t.after(() => {
    if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
  });
  const secrets = await createDesktopSecretStore(data.path, { timeoutMs: 10_000 });
  assert.equal(secrets.kind, 'file');
  assert.ok(secrets.reason && secrets.reason.length > 0);
  await secrets.store.set('relay.password', 's3cret');
  assert.equal(await secrets.store.get('relay.password'), 's3cret');
  // And a keychain that never answers is not waited for forever.
  const hanging = await createDesktopSecretStore(data.path, {
    keytar: { getPassword: () => new Promise(() => undefined), setPassword: async () => undefined, deletePassword: async () => true },
    timeoutMs: 200,
  });
  assert.deepEqual([hanging.kind, hanging.reason], ['file', 'the keychain did not answer']);
});
