// Run inside a private D-Bus session with GNOME Keyring (see keychain-secret-store.test.ts):
// exercises the desktop secret store and prints what it saw as one JSON line.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileSecretStore } from '../../src-mailserver/secrets/file-secret-store.js';
import { createDesktopSecretStore, loadKeytar } from '../../src-mailserver/secrets/keychain-secret-store.js';

const dataDir = process.argv[2]!;
const out: Record<string, unknown> = {};
// A value the headless server stored before the keychain was used.
await new FileSecretStore(dataDir).set('relay.password', 'old-file-secret');
const desktop = await createDesktopSecretStore(dataDir, { service: 'Homemail-test' });
out.kind = desktop.kind;
out.reason = desktop.reason ?? null;
const store = desktop.store;
out.readThrough = await store.get('relay.password');
await store.set('relay.password', 'new-keychain-secret');
await store.set('admin.token', 'tok');
out.afterSet = await store.get('relay.password');
const keytar = loadKeytar()!;
out.inKeychain = await keytar.getPassword('Homemail-test', 'relay.password');
const file = join(dataDir, 'secrets.json');
out.fileText = existsSync(file) ? readFileSync(file, 'utf8') : null;
await store.delete('relay.password');
out.afterDelete = await store.get('relay.password');
out.keychainAfterDelete = await keytar.getPassword('Homemail-test', 'relay.password');
out.token = await store.get('admin.token');
process.stdout.write(JSON.stringify(out) + '\n');
