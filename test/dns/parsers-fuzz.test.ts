// Random input never crashes the parsers of published records and requests: DMARC, TLS-RPT, DKIM
// tag lists, autodiscover requests, public IP settings and HOST[:PORT]; DMARC fails only with its
// syntax error type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ProtocolSyntaxError, UserError } from '../../src-mailserver/common/errors.js';
import { parseDmarc } from '../../src-mailserver/dns/checks/dmarc.js';
import { parseTlsRpt } from '../../src-mailserver/dns/checks/tls-rpt.js';
import { parseTagList } from '../../src-mailserver/dns/checks/dkim.js';
import { parseHostPort } from '../../src-mailserver/dns/checks/port25.js';
import { autodiscoverRequestAddress } from '../../src-mailserver/dns/client-config/autodiscover.js';
import { xmlEscape } from '../../src-mailserver/dns/client-config/xml.js';
import { parsePublicIp } from '../../src-mailserver/dns/public-address.js';

const ALPHABET = 'v=DMARC1;TLSRPTv p=none quarantine reject rua=mailto:a@b.c, pct=100 <>&"\'EMailAddress/ :[]0123456789.\\\u00e9\x00\r\n';

function randomText(): string {
  const bytes = randomBytes(1 + (randomBytes(1)[0]! % 120));
  return [...bytes].map((b) => (b % 5 === 0 ? String.fromCharCode(b) : ALPHABET[b % ALPHABET.length])).join('');
}

test('record and request parsers survive random input', () => {
  for (let i = 0; i < 5000; i++) {
    const text = randomText();
    try {
      parseDmarc(text);
    } catch (err) {
      assert.ok(err instanceof ProtocolSyntaxError, `parseDmarc threw ${String(err)} for ${JSON.stringify(text)}`);
    }
    parseTlsRpt(text);
    parseTagList(text);
    parseHostPort(text, 25);
    autodiscoverRequestAddress(`<EMailAddress>${text}</EMailAddress>`);
    assert.doesNotMatch(xmlEscape(text), /[<>"\x00]|&(?!(amp|lt|gt|quot|apos);)/);
    try {
      parsePublicIp(text);
    } catch (err) {
      assert.ok(err instanceof UserError);
    }
  }
});

test('DMARC parser: accepts the records we publish, names what is wrong in the others', () => {
  assert.deepEqual(parseDmarc('v=DMARC1; p=quarantine; rua=mailto:postmaster@example.test; adkim=r; aspf=r'), { p: 'quarantine', sp: null, pct: 100, rua: ['mailto:postmaster@example.test'] });
  assert.throws(() => parseDmarc('p=reject; v=DMARC1'), /must start with "v=DMARC1"/);
  assert.throws(() => parseDmarc('v=DMARC1; p=reject; pct=150'), /pct=150/);
  assert.throws(() => parseDmarc('v=DMARC1; p=reject; sp=maybe'), /sp=maybe/);
});
