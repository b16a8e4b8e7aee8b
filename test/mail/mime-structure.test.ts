// The streaming MIME structure parser: part trees and byte offsets for the shapes real mail
// has (nested multiparts, message/rfc822, digests, missing boundaries, LF-only line ends), the
// same tree whatever the chunking, and random input never throws or leaves the message bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MimeStructureParser, parseMimeStructure, type MimePart } from '../../src-mailserver/mail/mime-structure.js';
import { mutate, prng } from '../support/random.js';

const crlf = (lines: string[]) => lines.join('\r\n');

const NESTED = crlf([
  'From: "Bob B" <bob@example.com>, undisclosed: ;',
  'To: alice@example.test',
  'Subject: nested',
  'Content-Type: multipart/mixed; boundary="XX"',
  '',
  'preamble',
  '--XX',
  'Content-Type: text/plain',
  '',
  'hello',
  'world',
  '--XX',
  'Content-Type: message/rfc822',
  '',
  'Subject: inner',
  'From: carol@example.org',
  'Content-Type: multipart/alternative; boundary=YY',
  '',
  '--YY',
  '',
  'inner text',
  '--YY',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>inner</p>',
  '--YY--',
  '--XX',
  'Content-Type: application/octet-stream; name*0="long"; name*1="name.bin"',
  'Content-Disposition: attachment; filename*=utf-8\'\'%E2%82%AC.bin',
  'Content-Transfer-Encoding: base64',
  '',
  'AAEC',
  '--XX--',
  'epilogue',
  '',
]);

const body = (msg: string, p: MimePart) => Buffer.from(msg).subarray(p.bodyStart, p.bodyEnd).toString();

test('mime structure: nested multipart with an encapsulated message', () => {
  const { root, size } = parseMimeStructure(Buffer.from(NESTED));
  assert.equal(size, Buffer.byteLength(NESTED));
  assert.equal(root.type + '/' + root.subtype, 'multipart/mixed');
  assert.equal(root.envelope!.subject, 'nested');
  assert.deepEqual(root.envelope!.from, [
    { name: 'Bob B', adl: null, mailbox: 'bob', host: 'example.com' },
    { name: null, adl: null, mailbox: 'undisclosed', host: null },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  const [text, rfc822, attachment] = root.parts!;
  assert.equal(body(NESTED, text!), 'hello\r\nworld');
  assert.equal(text!.lines, 1, 'line feeds in the body, as Dovecot counts');
  assert.equal(rfc822!.type + '/' + rfc822!.subtype, 'message/rfc822');
  const inner = rfc822!.message!;
  assert.equal(inner.headerStart, rfc822!.bodyStart);
  assert.equal(inner.envelope!.subject, 'inner');
  assert.equal(inner.subtype, 'alternative');
  assert.equal(body(NESTED, inner.parts![0]!), 'inner text');
  assert.equal(body(NESTED, inner.parts![1]!), '<p>inner</p>');
  assert.deepEqual(inner.parts![1]!.params, [['charset', 'utf-8']]);
  assert.equal(attachment!.encoding, 'base64');
  assert.deepEqual(attachment!.params, [['name', 'longname.bin']]);
  assert.deepEqual(attachment!.disposition, { type: 'attachment', params: [['filename*', "utf-8''%E2%82%AC.bin"]] });
  assert.equal(body(NESTED, attachment!), 'AAEC');
});

test('mime structure: defaults, digests, LF-only and broken input', () => {
  const plain = parseMimeStructure(Buffer.from('Subject: x\n\nline 1\nline 2\n'));
  assert.equal(plain.root.type, 'text');
  assert.deepEqual(plain.root.params, [['charset', 'us-ascii']]);
  assert.equal(plain.root.lines, 2);
  assert.equal(plain.root.bodyStart, 12);

  const digest = parseMimeStructure(Buffer.from(crlf(['Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: a', '', 'A', '--d--', ''])));
  const part = digest.root.parts![0]!;
  assert.equal(part.type + '/' + part.subtype, 'message/rfc822', 'digest parts default to message/rfc822');
  assert.equal(part.message!.envelope!.subject, 'a');

  const noBoundary = parseMimeStructure(Buffer.from(crlf(['Content-Type: multipart/mixed', '', 'text', ''])));
  assert.deepEqual(noBoundary.root.parts, []);

  const unterminated = parseMimeStructure(Buffer.from(crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'cut off'])));
  assert.equal(unterminated.root.parts!.length, 1);
  assert.equal(unterminated.root.parts![0]!.bodyEnd, unterminated.size);

  const emptyInner = crlf(['Content-Type: multipart/mixed; boundary=XX', '', '--XX', 'Content-Type: multipart/alternative; boundary=YY', '', '--YY', 'Content-Type: text/plain', '', '--XX--', '']);
  checkBounds(parseMimeStructure(Buffer.from(emptyInner)).root, 0, Buffer.byteLength(emptyInner), 'empty inner part');

  const headerOnly = parseMimeStructure(Buffer.from('Subject: no body'));
  assert.equal(headerOnly.root.envelope!.subject, 'no body');
  assert.equal(headerOnly.root.bodyStart, headerOnly.size);
});

function checkBounds(p: MimePart, lo: number, hi: number, where: string): void {
  assert.ok(lo <= p.headerStart && p.headerStart <= p.bodyStart && p.bodyStart <= p.bodyEnd && p.bodyEnd <= hi, `${where}: ${p.headerStart} ${p.bodyStart} ${p.bodyEnd} not within ${lo}..${hi}`);
  assert.ok(p.lines >= 0);
  for (const c of p.parts ?? []) checkBounds(c, p.bodyStart, p.bodyEnd, where);
  if (p.message) checkBounds(p.message, p.bodyStart, p.bodyEnd, where);
}

test('mime structure: chunking does not change the tree', () => {
  const whole = parseMimeStructure(Buffer.from(NESTED));
  const rand = prng(3);
  for (let i = 0; i < 200; i++) {
    const parser = new MimeStructureParser();
    const buf = Buffer.from(NESTED);
    let pos = 0;
    while (pos < buf.length) {
      const n = 1 + Math.floor(rand() * 40);
      parser.write(buf.subarray(pos, pos + n));
      pos += n;
    }
    assert.deepEqual(parser.end().root, whole.root);
  }
});

test('mime structure fuzz: mutated messages parse within bounds', () => {
  const seed = 11;
  const rand = prng(seed);
  const base = Buffer.from(NESTED);
  for (let i = 0; i < 5000; i++) {
    let input: Buffer = base;
    const rounds = 1 + Math.floor(rand() * 6);
    for (let r = 0; r < rounds; r++) input = mutate(rand, input);
    const { root, size } = parseMimeStructure(input);
    assert.equal(size, input.length);
    checkBounds(root, 0, size, `seed ${seed} case ${i}`);
  }
});

test('mime structure: deep nesting and many parts stay bounded', () => {
  let msg = '';
  for (let i = 0; i < 200; i++) msg += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  msg += '\r\nleaf\r\n';
  const deep = parseMimeStructure(Buffer.from(msg));
  let depth = 0;
  for (let p: MimePart | undefined = deep.root; p; p = p.parts?.[0]) depth++;
  assert.ok(depth <= 45, `depth ${depth}`);
  const many = 'Content-Type: multipart/mixed; boundary=z\r\n\r\n' + '--z\r\n\r\nx\r\n'.repeat(5000) + '--z--\r\n';
  assert.ok(parseMimeStructure(Buffer.from(many)).root.parts!.length <= 2000);
});
