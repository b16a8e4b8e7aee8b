// The directory over a real SQLite database: domains, accounts, aliases and their validation,
// migrations applied once, and what removal refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src-mailserver/directory/database.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { ALL_MIGRATIONS } from '../../src-mailserver/schema.js';
import { UserError } from '../../src-mailserver/common/errors.js';
import { makeTempDir } from '../support/temp-dir.js';

function directory() {
  return new Directory(openDatabase(':memory:', ALL_MIGRATIONS));
}

test('migrations run once per component and the database is in WAL mode', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const a = openDatabase(`${dir.path}/x.db`, ALL_MIGRATIONS);
  const b = openDatabase(`${dir.path}/x.db`, ALL_MIGRATIONS);
  assert.equal(a.pragma('journal_mode', { simple: true }), 'wal');
  const rows = a.prepare('SELECT component, version FROM schema_migrations ORDER BY component, version').all();
  assert.deepEqual(rows, ALL_MIGRATIONS.flatMap((s) => s.migrations.map((m) => ({ component: s.component, version: m.version }))).sort((x, y) => x.component.localeCompare(y.component) || x.version - y.version));
  a.close();
  b.close();
});

test('domains: canonical names, duplicates and bad names refused', () => {
  const d = directory();
  assert.equal(d.domains.add('Example.TEST').name, 'example.test');
  assert.equal(d.domains.add('bücher.example').display, 'bücher.example');
  assert.throws(() => d.domains.add('example.test'), /already exists/);
  assert.throws(() => d.domains.add('not a domain'), UserError);
  assert.deepEqual(d.domains.list().map((x) => x.name), ['example.test', 'xn--bcher-kva.example']);
  assert.ok(d.domains.isLocal('example.test'));
  assert.ok(!d.domains.isLocal('other.test'));
});

test('accounts: validation, duplicates, case-insensitive lookup, passwords and quota', () => {
  const d = directory();
  d.domains.add('example.test');
  const a = d.accounts.add({ address: 'Alice@Example.test', passwordHash: '{ARGON2ID}x' });
  assert.equal(a.address, 'alice@example.test');
  assert.throws(() => d.accounts.add({ address: 'ALICE@example.test', passwordHash: 'h' }), /already exists/);
  assert.throws(() => d.accounts.add({ address: 'bob@other.test', passwordHash: 'h' }), /not a local domain/);
  assert.throws(() => d.accounts.add({ address: 'b+c@example.test', passwordHash: 'h' }), /invalid address/);
  assert.throws(() => d.accounts.add({ address: '../x@example.test', passwordHash: 'h' }), /invalid address/);
  assert.throws(() => d.accounts.add({ address: 'bob@example.test', passwordHash: '' }), /empty password/);
  assert.equal(d.accounts.get('ALICE@EXAMPLE.TEST')?.id, a.id);
  d.accounts.setPasswordHash('alice@example.test', '{ARGON2ID}y');
  assert.equal(d.accounts.get('alice@example.test')?.passwordHash, '{ARGON2ID}y');
  d.accounts.setQuota('alice@example.test', 1000, 10);
  assert.deepEqual([d.accounts.get('alice@example.test')?.quotaBytes, d.accounts.get('alice@example.test')?.quotaMessages], [1000, 10]);
  assert.throws(() => d.accounts.remove('nobody@example.test'), /no such account/);
  d.accounts.remove('alice@example.test');
  assert.equal(d.accounts.list().length, 0);
});

test('aliases: several targets, duplicates collapsed, catch-all, partial removal', () => {
  const d = directory();
  d.domains.add('example.test');
  d.accounts.add({ address: 'alice@example.test', passwordHash: 'h' });
  const alias = d.aliases.add('sales@example.test', ['Alice@Example.TEST', 'alice@example.test', 'Bob@Remote.Test']);
  assert.deepEqual(alias.targets, ['Bob@remote.test', 'alice@example.test']);
  assert.equal(d.aliases.add('@example.test', ['alice@example.test']).address, '@example.test');
  assert.throws(() => d.aliases.add('x@other.test', ['alice@example.test']), /not a local domain/);
  assert.throws(() => d.aliases.add('x@example.test', []), /at least one target/);
  assert.throws(() => d.aliases.add('x@example.test', ['not-an-address']), /invalid target/);
  assert.throws(() => d.aliases.add('x@example.test', ['a%b@remote.test']), /invalid target/);
  assert.throws(() => d.accounts.add({ address: 'sales@example.test', passwordHash: 'h' }), /alias already uses/);
  d.aliases.remove('sales@example.test', ['bob@remote.test'.replace('bob', 'Bob')]);
  assert.deepEqual(d.aliases.find('sales', 'example.test')?.targets, ['alice@example.test']);
  d.aliases.remove('sales@example.test', ['alice@example.test']);
  assert.equal(d.aliases.find('sales', 'example.test'), undefined);
  assert.throws(() => d.aliases.remove('sales@example.test'), /no such alias/);
});

test('a domain with accounts is removed only with force, taking its accounts and aliases', () => {
  const d = directory();
  d.domains.add('example.test');
  d.accounts.add({ address: 'alice@example.test', passwordHash: 'h' });
  d.aliases.add('a@example.test', ['alice@example.test']);
  assert.throws(() => d.domains.remove('example.test'), /still has 1 account/);
  d.domains.remove('example.test', true);
  assert.equal(d.accounts.list().length, 0);
  assert.equal(d.aliases.list().length, 0);
  assert.throws(() => d.domains.remove('example.test'), /no such domain/);
});
