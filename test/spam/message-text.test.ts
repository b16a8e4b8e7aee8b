// Reading text for the content rules: multipart messages with quoted-printable and base64 parts
// in other charsets, HTML reduced to text with its links, encoded-word subjects, attachments,
// nested messages; random and hostile input never throws and stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { htmlToText, linkHost, readMessageText } from '../../src-mailserver/spam/message-text.js';
import { tokenize } from '../../src-mailserver/spam/tokenizer.js';

const MIXED = [
  'From: =?UTF-8?B?QsO2Yg==?= <bob@shop.example>',
  'Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= from the shop',
  'Message-ID: <m1@shop.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  'preamble',
  '--outer',
  'Content-Type: multipart/alternative; boundary=inner',
  '',
  '--inner',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Sch=F6ne Gr=FC=DFe, visit http://deals.shop.example/a?b=3D1 soon=',
  ' please',
  '--inner',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('<html><style>p{color:red}</style><script>var x="<a href=http://evil.test>";</script><p>Caf&eacute; &amp; <a href="https://www.Track.Example:8080/x">more</a> &#x263A;</p></html>').toString('base64'),
  '--inner--',
  '--outer',
  'Content-Type: application/pdf; name="invoice.PDF"',
  'Content-Disposition: attachment; filename="invoice.PDF"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQK',
  '--outer',
  'Content-Type: message/rfc822',
  '',
  'Subject: inner',
  '',
  'forwarded text www.forwarded.example here',
  '--outer--',
  '',
].join('\r\n');

test('multipart, charsets, transfer encodings, HTML, attachments and nested messages', () => {
  const m = readMessageText(Buffer.from(MIXED, 'latin1'));
  assert.equal(m.subject, 'Grüße from the shop');
  assert.match(m.from, /Böb/);
  assert.match(m.text, /Schöne Grüße, visit http:\/\/deals\.shop\.example\/a\?b=1 soon please/);
  assert.match(m.text, /Café & more ☺/);
  assert.doesNotMatch(m.text, /color:red|var x/);
  assert.match(m.text, /forwarded text/);
  assert.deepEqual(m.urlHosts, ['deals.shop.example', 'www.track.example', 'www.forwarded.example']);
  assert.deepEqual(m.attachments, ['pdf']);
  const tokens = tokenize(m);
  for (const t of ['subject:grüße', 'subject:shop', 'from:shop.example', 'url:deals.shop.example', 'url:shop.example', 'attach:pdf', 'schöne', 'café']) {
    assert.ok(tokens.includes(t), t);
  }
  assert.ok(!tokens.includes('the'.slice(0, 2)), 'short words dropped');
});

test('links: hosts without userinfo, ports or case; not IP literals', () => {
  assert.equal(linkHost('https://user:pw@Example.COM:443/x'), 'example.com');
  assert.equal(linkHost('www.example.com/path'), 'www.example.com');
  assert.equal(linkHost('http://[::1]/'), null);
  assert.equal(linkHost('mailto:a@b.c'), null);
  assert.equal(linkHost('http://localhost/'), null);
  assert.equal(linkHost('http://xn--caf-dma.example/'), 'xn--caf-dma.example');
  assert.deepEqual(htmlToText('<a href=\'http://a.example/\'>x</a><a HREF=http://b.example>y</a>').links, ['http://a.example/', 'http://b.example']);
});

test('random and hostile input never throws and stays bounded', () => {
  const alphabet = ['--b', '\r\n', 'Content-Type: multipart/mixed; boundary=b', 'text/html', '<a href="http://x.', '<script>', '=?utf-8?B?', '=3D', 'base64', ':', ' ', 'www.', '&#x', ';', '<', '>'];
  for (let i = 0; i < 3000; i++) {
    const bytes = randomBytes(1 + (i % 400));
    const text = [...bytes].map((b) => (b % 3 === 0 ? String.fromCharCode(b) : alphabet[b % alphabet.length])).join('');
    const m = readMessageText(Buffer.from(text, 'latin1'));
    assert.ok(m.text.length <= 200_000);
    tokenize(m);
  }
  // Pathological shapes a linear scan must get through.
  const hostile = [
    '<'.repeat(200_000),
    '<script'.repeat(30_000),
    'Content-Type: text/html\r\n\r\n' + '<a href="'.repeat(20_000),
    'Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'.repeat(2000),
    'www.' + 'a.'.repeat(100_000),
  ];
  for (const h of hostile) {
    const m = readMessageText(Buffer.from(h, 'latin1'));
    assert.ok(m.urlHosts.length <= 100);
  }
});
