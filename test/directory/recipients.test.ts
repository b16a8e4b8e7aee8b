// Recipient resolution: account, alias (local and remote targets), plus-addressing, catch-all
// for unknown addresses only, alias loops, duplicates collapsed, relay tricks, other domains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src-mailserver/directory/database.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { ALL_MIGRATIONS } from '../../src-mailserver/schema.js';
import { parseAddress } from '../../src-mailserver/mail/address.js';

function setup() {
  const d = new Directory(openDatabase(':memory:', ALL_MIGRATIONS));
  d.domains.add('example.test');
  d.domains.add('other.test');
  for (const a of ['alice@example.test', 'bob@example.test', 'carol@other.test']) d.accounts.add({ address: a, passwordHash: 'h' });
  const resolve = (addr: string) => {
    const r = d.recipients.resolve(parseAddress(addr)!);
    return r.kind === 'deliver' ? { kind: r.kind, accounts: r.accounts.map((a) => a.address).sort(), remote: r.remote.sort() } : r;
  };
  return { d, resolve };
}

test('accounts, case-insensitively, and plus-addressing to the base account', () => {
  const { resolve } = setup();
  assert.deepEqual(resolve('Alice@EXAMPLE.test'), { kind: 'deliver', accounts: ['alice@example.test'], remote: [] });
  assert.deepEqual(resolve('alice+news@example.test'), { kind: 'deliver', accounts: ['alice@example.test'], remote: [] });
  assert.deepEqual(resolve('nobody@example.test'), { kind: 'unknown' });
  assert.deepEqual(resolve('nobody+x@example.test'), { kind: 'unknown' });
  assert.deepEqual(resolve('alice@remote.test'), { kind: 'not-local' });
  assert.deepEqual(resolve('alice%remote.test@example.test'), { kind: 'relay-trick' });
  assert.deepEqual(resolve('remote.test!alice@example.test'), { kind: 'relay-trick' });
});

test('aliases expand recursively, across domains, to local and remote targets, collapsing duplicates', () => {
  const { d, resolve } = setup();
  d.aliases.add('team@example.test', ['alice@example.test', 'bob@example.test', 'everyone@example.test']);
  d.aliases.add('everyone@example.test', ['alice@example.test', 'carol@other.test', 'x@remote.test', 'X@Remote.test']);
  assert.deepEqual(resolve('team@example.test'), {
    kind: 'deliver',
    accounts: ['alice@example.test', 'bob@example.test', 'carol@other.test'],
    remote: ['x@remote.test'],
  });
  assert.deepEqual(resolve('team+tag@example.test').kind, 'deliver');
});

test('an alias over an account takes precedence; naming itself keeps a copy', () => {
  const { d, resolve } = setup();
  d.aliases.add('alice@example.test', ['alice@example.test', 'fwd@remote.test']);
  assert.deepEqual(resolve('alice@example.test'), { kind: 'deliver', accounts: ['alice@example.test'], remote: ['fwd@remote.test'] });
});

test('alias loops end without hanging', () => {
  const { d, resolve } = setup();
  d.aliases.add('a@example.test', ['b@example.test']);
  d.aliases.add('b@example.test', ['a@example.test']);
  assert.deepEqual(resolve('a@example.test'), { kind: 'unknown' });
  d.aliases.add('b@example.test', ['bob@example.test']);
  assert.deepEqual(resolve('a@example.test'), { kind: 'deliver', accounts: ['bob@example.test'], remote: [] });
});

test('the catch-all takes only addresses nothing else takes', () => {
  const { d, resolve } = setup();
  d.aliases.add('@example.test', ['bob@example.test']);
  assert.deepEqual(resolve('anything@example.test'), { kind: 'deliver', accounts: ['bob@example.test'], remote: [] });
  assert.deepEqual(resolve('alice@example.test'), { kind: 'deliver', accounts: ['alice@example.test'], remote: [] });
  assert.deepEqual(resolve('anyone@other.test'), { kind: 'unknown' });
});
