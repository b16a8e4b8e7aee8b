// Who may send as whom: the account, its sub-addresses, aliases that reach it (also through other
// aliases); never another account, a catch-all, another domain, or a relay trick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src-mailserver/directory/database.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { ALL_MIGRATIONS } from '../../src-mailserver/schema.js';
import { ownsAddress } from '../../src-mailserver/smtp/sender-policy.js';

test('sender ownership', () => {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  const d = new Directory(db);
  d.domains.add('example.test');
  d.domains.add('other.test');
  const alice = d.accounts.add({ address: 'alice@example.test', passwordHash: '{ARGON2ID}x' });
  d.accounts.add({ address: 'bob@example.test', passwordHash: '{ARGON2ID}x' });
  d.aliases.add('sales@example.test', ['alice@example.test', 'bob@example.test']);
  d.aliases.add('info@other.test', ['sales@example.test']);
  d.aliases.add('bobs@example.test', ['bob@example.test']);
  d.aliases.add('@other.test', ['alice@example.test']);
  const owns = (a: string) => ownsAddress(d, alice, a);
  for (const yes of ['alice@example.test', 'Alice@EXAMPLE.test', 'alice+news@example.test', 'sales@example.test', 'info@other.test', 'sales+x@example.test']) assert.equal(owns(yes), true, yes);
  for (const no of ['bob@example.test', 'bobs@example.test', 'anything@other.test', 'alice@elsewhere.test', 'alice%x@example.test', 'nonsense', '']) assert.equal(owns(no), false, no);
  db.close();
});
