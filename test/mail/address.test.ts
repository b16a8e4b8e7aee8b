// Addresses and domains: normalisation, validation of names we create, relay-trick detection,
// sub-addressing; plus a fuzz run (random input never throws, accepted values are canonical).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  addressKey,
  isRelayTrick,
  isValidNewLocalPart,
  normalizeDomain,
  parseAddress,
  splitSubaddress,
  displayDomain,
} from '../../src-mailserver/mail/address.js';

test('domains are lower-case A-labels; invalid names are refused', () => {
  assert.equal(normalizeDomain('Example.TEST'), 'example.test');
  assert.equal(normalizeDomain('example.test.'), 'example.test');
  assert.equal(normalizeDomain('bücher.example'), 'xn--bcher-kva.example');
  assert.equal(displayDomain('xn--bcher-kva.example'), 'bücher.example');
  for (const bad of ['', 'localhost', 'exa mple.test', '-a.test', 'a-.test', 'a..test', 'a/b.test', 'a@b.test', '1.2.3.4', '[1.2.3.4]', 'x'.repeat(64) + '.test', 'a.' + 'b'.repeat(250)]) {
    assert.equal(normalizeDomain(bad), null, `should refuse ${JSON.stringify(bad)}`);
  }
});

test('addresses split at the last @, keep the local part, normalise the domain', () => {
  assert.deepEqual(parseAddress('Alice@Example.Test'), { local: 'Alice', domain: 'example.test' });
  assert.equal(addressKey(parseAddress('Alice@Example.Test')!), 'alice@example.test');
  assert.deepEqual(parseAddress('jürgen@bücher.example'), { local: 'jürgen', domain: 'xn--bcher-kva.example' });
  assert.equal(parseAddress('no-at-sign'), null);
  assert.equal(parseAddress('@example.test'), null);
  assert.equal(parseAddress('a@'), null);
  assert.equal(parseAddress('a b@example.test'), null);
  assert.equal(parseAddress('a\r\n@example.test'), null);
  assert.equal(parseAddress('x'.repeat(65) + '@example.test'), null);
});

test('local parts we create: letters, digits, . _ -, no edge or double dots, no + or path tricks', () => {
  for (const ok of ['alice', 'a.b', 'a_b-c', 'jürgen', 'пользователь', '李']) assert.ok(isValidNewLocalPart(ok), ok);
  for (const bad of ['', '.a', 'a.', 'a..b', 'a+b', 'a/b', '..', 'a%b', 'a!b', '"a"', 'a b', 'x'.repeat(65)]) {
    assert.ok(!isValidNewLocalPart(bad), bad);
  }
});

test('relay tricks in the local part are recognised', () => {
  for (const trick of ['user%other.test', 'other!user', 'user@other.test', '@a:user', '"user"']) assert.ok(isRelayTrick(trick), trick);
  for (const plain of ['user', 'user+tag', 'first.last']) assert.ok(!isRelayTrick(plain), plain);
});

test('sub-addressing splits at the first +', () => {
  assert.deepEqual(splitSubaddress('user+tag'), { base: 'user', tag: 'tag' });
  assert.deepEqual(splitSubaddress('user+a+b'), { base: 'user', tag: 'a+b' });
  assert.deepEqual(splitSubaddress('user'), { base: 'user', tag: null });
  assert.deepEqual(splitSubaddress('+tag'), { base: '+tag', tag: null });
});

test('fuzz: random strings never throw; accepted results are canonical and stable', () => {
  const alphabet = 'aZ09.-_@+%!:"\\ \t\r\n[]ü李\u0000/';
  for (let i = 0; i < 5000; i++) {
    const bytes = randomBytes(1 + (i % 40));
    let s = '';
    for (const b of bytes) s += i % 3 === 0 ? String.fromCharCode(b) : alphabet[b % alphabet.length];
    const d = normalizeDomain(s);
    if (d !== null) {
      assert.equal(normalizeDomain(d), d);
      assert.match(d, /^[a-z0-9.-]+$/);
    }
    const a = parseAddress(s);
    if (a) {
      assert.equal(normalizeDomain(a.domain), a.domain);
      assert.ok(!/[\r\n\0]/.test(a.local));
    }
    isValidNewLocalPart(s);
    isRelayTrick(s);
  }
});
