// From authentication verdicts to rules and DMARC dispositions (reject, quarantine, pct sampling,
// local policy, trusted ARC), and the X-Spam-* fields those produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ArcVerdict, DmarcVerdict } from '../../src-mailserver/auth/message-auth.js';
import { dmarcDisposition } from '../../src-mailserver/spam/auth-rules.js';
import { ScoreCard } from '../../src-mailserver/spam/score-card.js';
import { forgedFieldFilter, spamHeaders } from '../../src-mailserver/spam/spam-headers.js';

const dmarc = (result: DmarcVerdict['result'], policy: DmarcVerdict['policy'], pct = 100): DmarcVerdict => ({ result, policy, pct, domain: 'sender.test', row: { method: 'dmarc', result, props: [] } });
const arc = (result: ArcVerdict['result'], sealer: string | null = null): ArcVerdict => ({ result, sealer, row: { method: 'arc', result, props: [] } });
const settings = { onReject: 'refuse' as const, onQuarantine: 'junk' as const, honourPct: true, arcTrustedSealers: ['lists.test'] };

test('DMARC dispositions', () => {
  assert.deepEqual(dmarcDisposition(dmarc('pass', 'reject'), arc('none'), settings, 0), { action: 'none' });
  assert.deepEqual(dmarcDisposition(dmarc('fail', 'reject'), arc('none'), settings, 0), { action: 'refuse', domain: 'sender.test' });
  assert.deepEqual(dmarcDisposition(dmarc('fail', 'quarantine'), arc('none'), settings, 0), { action: 'junk', override: undefined, domain: 'sender.test' });
  assert.deepEqual(dmarcDisposition(dmarc('fail', 'none'), arc('none'), settings, 0), { action: 'none' });
  assert.deepEqual(dmarcDisposition(null, arc('none'), settings, 0), { action: 'none' });
  assert.deepEqual(dmarcDisposition(dmarc('fail', 'reject'), arc('pass', 'lists.test'), settings, 0), { action: 'none', override: 'arc', domain: 'sender.test' });
  assert.equal(dmarcDisposition(dmarc('fail', 'reject'), arc('pass', 'other.test'), settings, 0).action, 'refuse', 'untrusted sealer');
  assert.equal(dmarcDisposition(dmarc('fail', 'reject'), arc('fail', 'lists.test'), settings, 0).action, 'refuse', 'broken chain');
  // pct=30: a draw under 30 applies the policy, the rest get the next weaker one.
  assert.equal(dmarcDisposition(dmarc('fail', 'reject', 30), arc('none'), settings, 0.29).action, 'refuse');
  assert.deepEqual(dmarcDisposition(dmarc('fail', 'reject', 30), arc('none'), settings, 0.3), { action: 'junk', override: 'sampled-out', domain: 'sender.test' });
  assert.equal(dmarcDisposition(dmarc('fail', 'reject', 30), arc('none'), { ...settings, honourPct: false }, 0.9).action, 'refuse');
  assert.deepEqual(dmarcDisposition(dmarc('fail', 'reject'), arc('none'), { ...settings, onReject: 'junk' }, 0), { action: 'junk', override: 'local-policy', domain: 'sender.test' });
  assert.equal(dmarcDisposition(dmarc('fail', 'quarantine'), arc('none'), { ...settings, onQuarantine: 'score' }, 0).action, 'none');
});

test('X-Spam fields: flag only when spam, sorted tests, a report line per rule, safe details', () => {
  const card = new ScoreCard({ RDNS_NONE: 2 });
  card.hit('RDNS_NONE', '192.0.2.1');
  card.hit('HELO_NOT_FQDN', 'bad\r\nX-Injected: yes');
  card.hit('SPF_PASS');
  card.hit('SPF_PASS');
  assert.equal(card.total, 3);
  const t = { flag: 3, junk: 6, reject: 15 };
  const fields = spamHeaders(card, t, 'inbox');
  assert.equal(
    fields,
    'X-Spam-Flag: YES\r\nX-Spam-Score: 3.0\r\nX-Spam-Status: Yes, score=3.0 required=3.0 action=inbox\r\n\ttests=RDNS_NONE=2.0,HELO_NOT_FQDN=1.5,SPF_PASS=-0.5\r\n' +
      'X-Spam-Report: score 3.0; flag at 3.0, Junk at 6.0, refused at 15.0\r\n' +
      "\t*   2.0 RDNS_NONE The client's address has no reverse DNS name [192.0.2.1]\r\n" +
      "\t*   1.5 HELO_NOT_FQDN HELO: the client's name is not a fully qualified domain\r\n\t        name [bad??X-Injected: yes]\r\n" +
      '\t*  -0.5 SPF_PASS SPF: the sender domain permits this client\r\n',
  );
  // Long report lines fold at spaces: no line over 78 characters, and unfolding restores the text.
  card.hit('DMARC_FAIL_QUARANTINE', `quarantine.test  ${'x'.repeat(40)}`);
  const folded = spamHeaders(card, t, 'junk');
  for (const line of folded.split('\r\n')) assert.ok(line.length <= 78 || !line.slice(9).includes(' '), `line too long: ${line}`);
  assert.ok(folded.split('\r\n').every((line) => line === '' || /\S/.test(line)), 'no whitespace-only line');
  assert.match(folded.replace(/\r\n[ \t]+/g, ' '), /\* {3}4\.0 DMARC_FAIL_QUARANTINE DMARC: not authenticated, and the From domain asks receivers to treat such mail as spam \[quarantine\.test +x{40}\]/);
  assert.doesNotMatch(spamHeaders(new ScoreCard(), t, 'inbox'), /X-Spam-Flag/);
  const forged = forgedFieldFilter('mail.example.test');
  assert.equal(forged('X-Spam-Anything', ''), true);
  assert.equal(forged('Authentication-Results', 'MAIL.example.test; spf=pass'), true);
  assert.equal(forged('Authentication-Results', 'mail.example.test 1; spf=pass'), true);
  assert.equal(forged('Authentication-Results', 'mx.other.test; spf=pass'), false);
  assert.equal(forged('Subject', 'x'), false);
});
