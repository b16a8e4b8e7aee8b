// MX resolution over the resolver interface's test double: preference order with equal
// preferences shuffled, Null MX, missing domain, implicit MX, temporary DNS failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DnsResolver } from '../../src-mailserver/dns/resolver.js';
import { hostAddresses, lookupMx } from '../../src-mailserver/queue/mx-lookup.js';

const err = (code: string) => Object.assign(new Error(code), { code });

function resolver(records: { mx?: Record<string, { exchange: string; priority: number }[] | string>; a?: Record<string, string[] | string>; aaaa?: Record<string, string[] | string> }): DnsResolver {
  const answer = <T>(table: Record<string, T | string> | undefined, name: string): Promise<T> => {
    const v = table?.[name];
    if (v === undefined) return Promise.reject(err('ENOTFOUND'));
    if (typeof v === 'string') return Promise.reject(err(v));
    return Promise.resolve(v);
  };
  return {
    node: null as never,
    resolveMx: (n: string) => answer(records.mx, n),
    resolveTxt: () => Promise.reject(err('ENODATA')),
    resolve4: (n: string) => answer(records.a, n),
    resolve6: (n: string) => answer(records.aaaa ?? Object.fromEntries(Object.keys(records.a ?? {}).map((k) => [k, 'ENODATA'])), n),
    reverse: () => Promise.resolve([]),
  } as unknown as DnsResolver;
}

test('MX hosts in preference order; equal preferences in random order', async () => {
  const r = resolver({
    mx: { 'd.test': [{ exchange: 'c.d.test', priority: 30 }, { exchange: 'A.d.test.', priority: 10 }, { exchange: 'b1.d.test', priority: 20 }, { exchange: 'b2.d.test', priority: 20 }] },
  });
  const orders = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const res = await lookupMx(r, 'd.test');
    assert.equal(res.kind, 'hosts');
    if (res.kind !== 'hosts') return;
    const names = res.hosts.map((h) => h.name);
    assert.equal(names[0], 'a.d.test', 'lower case, no trailing dot');
    assert.equal(names[3], 'c.d.test');
    orders.add(names.slice(1, 3).join(','));
  }
  assert.deepEqual([...orders].sort(), ['b1.d.test,b2.d.test', 'b2.d.test,b1.d.test']);
});

test('Null MX, a missing domain, no MX but an address, no MX and no address, a DNS failure', async () => {
  assert.deepEqual(await lookupMx(resolver({ mx: { 'n.test': [{ exchange: '', priority: 0 }] } }), 'n.test'), { kind: 'null-mx' });
  assert.deepEqual(await lookupMx(resolver({ mx: {} }), 'gone.test'), { kind: 'no-domain' });
  const implicit = await lookupMx(resolver({ mx: { 'i.test': 'ENODATA' }, a: { 'i.test': ['192.0.2.1'] } }), 'i.test');
  assert.deepEqual(implicit, { kind: 'hosts', hosts: [{ name: 'i.test', priority: 0, implicit: true }] });
  assert.deepEqual(await lookupMx(resolver({ mx: { 'e.test': 'ENODATA' }, a: { 'e.test': 'ENODATA' } }), 'e.test'), { kind: 'no-mail-host' });
  const temp = await lookupMx(resolver({ mx: { 't.test': 'ESERVFAIL' } }), 't.test');
  assert.equal(temp.kind, 'temp-error');
  // A Null MX mixed with real MX records is ignored (RFC 7505 §3: it must stand alone).
  const mixed = await lookupMx(resolver({ mx: { 'm.test': [{ exchange: '', priority: 0 }, { exchange: 'mx.m.test', priority: 10 }] } }), 'm.test');
  assert.equal(mixed.kind, 'hosts');
});

test('host addresses: IPv4 then IPv6; one family missing is fine; a failure is temporary', async () => {
  assert.deepEqual(await hostAddresses(resolver({ a: { h: ['192.0.2.1'] }, aaaa: { h: ['2001:db8::1'] } }), 'h'), { kind: 'ok', addresses: ['192.0.2.1', '2001:db8::1'] });
  assert.deepEqual(await hostAddresses(resolver({ a: { h: 'ENODATA' }, aaaa: { h: ['2001:db8::1'] } }), 'h'), { kind: 'ok', addresses: ['2001:db8::1'] });
  assert.deepEqual(await hostAddresses(resolver({ a: {}, aaaa: {} }), 'h'), { kind: 'no-domain' });
  assert.equal((await hostAddresses(resolver({ a: { h: 'ETIMEOUT' }, aaaa: { h: 'ENODATA' } }), 'h')).kind, 'temp-error');
});
