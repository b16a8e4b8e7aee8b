// The headless secret store: a 0600 JSON file written atomically; concurrent changes from one
// process are serialised, another instance (another process) sees them, bad names are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { FileSecretStore, secretsFilePath } from '../../src-mailserver/secrets/file-secret-store.js';
import { MemorySecretStore } from '../../src-mailserver/secrets/secret-store.js';
import { makeTempDir } from '../support/temp-dir.js';

test('set, get, delete; the file is 0600 and holds only what was set', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const store = new FileSecretStore(dir.path);
  assert.equal(await store.get('relay.password'), null);
  await store.set('relay.password', 'pä$$ "word"\n');
  assert.equal(await store.get('relay.password'), 'pä$$ "word"\n');
  assert.equal((await stat(secretsFilePath(dir.path))).mode & 0o777, 0o600);
  assert.equal(await new FileSecretStore(dir.path).get('relay.password'), 'pä$$ "word"\n', 'another instance reads it');
  await store.delete('relay.password');
  await store.delete('relay.password');
  assert.equal(await store.get('relay.password'), null);
  assert.deepEqual(JSON.parse(await readFile(secretsFilePath(dir.path), 'utf8')), {});
});

test('concurrent changes are all kept; bad names and a damaged file are errors, not silence', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const store = new FileSecretStore(dir.path);
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, `v${i}`)));
  for (let i = 0; i < 20; i++) assert.equal(await store.get(`k${i}`), `v${i}`);
  await assert.rejects(() => store.get('../etc/passwd'), /invalid secret name/);
  await assert.rejects(() => store.set('', 'x'), /invalid secret name/);
  await writeFile(secretsFilePath(dir.path), 'not json');
  await assert.rejects(() => store.get('k1'));
  const memory = new MemorySecretStore();
  await memory.set('a', 'b');
  assert.equal(await memory.get('a'), 'b');
});
