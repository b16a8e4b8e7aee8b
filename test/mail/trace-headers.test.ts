// Received (RFC 5321 §4.4) and Return-Path fields: shape, protocol keywords, sanitised input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { receivedHeader, receivedProtocol, returnPathHeader } from '../../src-mailserver/mail/trace-headers.js';

test('Received names the client, us, the protocol, the id and a date', () => {
  const h = receivedHeader({
    helo: 'client.example',
    reverseName: 'rdns.example',
    remoteAddress: '::ffff:192.0.2.1',
    byHost: 'mail.example.test',
    protocol: 'ESMTPS',
    id: 'q123',
    forRecipient: 'a@example.test',
    tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    date: new Date(Date.UTC(2026, 10, 22, 20, 0, 0)),
  });
  assert.match(h, /^Received: from client\.example \(rdns\.example \[192\.0\.2\.1\]\)\r\n\tby mail\.example\.test with ESMTPS \(TLSv1\.3:TLS_AES_256_GCM_SHA384\) id q123\r\n\tfor <a@example\.test>;\r\n\t\w{3}, \d+ Nov 2026 \d\d:\d\d:\d\d [+-]\d{4}\r\n$/);
  assert.match(receivedHeader({ helo: 'x', remoteAddress: '2001:db8::1', byHost: 'h', protocol: 'SMTP', id: 'i' }), /\[IPv6:2001:db8::1\]/);
});

test('client-supplied text cannot break the field', () => {
  const h = receivedHeader({ helo: 'evil\r\nX-Injected: yes (x)', remoteAddress: '192.0.2.1', byHost: 'h', protocol: 'SMTP', id: 'i' });
  assert.equal(h.split('\r\n').filter((l) => /^X-Injected/.test(l)).length, 0);
  assert.ok(!/\(x\)/.test(h));
  assert.equal(returnPathHeader('a@b\r\nX: y'), 'Return-Path: <a@bX: y>\r\n');
  assert.equal(returnPathHeader(''), 'Return-Path: <>\r\n');
});

test('protocol keywords follow RFC 3848 and RFC 6531', () => {
  assert.equal(receivedProtocol({ esmtp: false, tls: false, auth: false, utf8: false }), 'SMTP');
  assert.equal(receivedProtocol({ esmtp: true, tls: false, auth: false, utf8: false }), 'ESMTP');
  assert.equal(receivedProtocol({ esmtp: true, tls: true, auth: true, utf8: false }), 'ESMTPSA');
  assert.equal(receivedProtocol({ esmtp: true, tls: true, auth: false, utf8: true }), 'UTF8SMTPS');
});
