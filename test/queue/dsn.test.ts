// The DSN composer (RFC 3464 / RFC 6522 / RFC 6533): parsed back by Python's email package (an
// independent MIME parser); random diagnostics and addresses never break the structure or inject
// header fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { composeDsn, enhancedStatus, type DsnInput } from '../../src-mailserver/queue/dsn.js';
import { run } from '../support/processes.js';

const base: DsnInput = {
  reportingMta: 'mail.example.test',
  from: 'MAILER-DAEMON@mail.example.test',
  to: 'alice@example.test',
  arrivalDate: new Date('2026-11-22T10:00:00Z'),
  envid: 'env-42',
  recipients: [
    { address: 'bob@remote.test', originalRecipient: 'rfc822;team@example.test', action: 'failed', status: '5.1.1', remoteMta: 'mx.remote.test', diagnostic: '550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown in virtual mailbox table', diagnosticIsSmtp: true, lastAttempt: new Date('2026-11-22T10:00:05Z') },
  ],
  originalHeader: 'From: alice@example.test\r\nTo: bob@remote.test\r\nSubject: hello\r\nMessage-ID: <m1@example.test>\r\n',
  originalMessageId: '<m1@example.test>',
  queueId: 'qabc123',
  date: new Date('2026-11-22T10:00:06Z'),
};

const PARSE = `
import sys, json, email, base64
from email import policy
def parse(raw):
  m = email.message_from_bytes(raw, policy=policy.compat32)
  parts = m.get_payload()
  status = parts[1].get_payload()
  return {
    'type': m.get_content_type(), 'report_type': m.get_param('report-type'), 'subject': str(m['Subject']),
    'to': str(m['To']), 'auto': str(m['Auto-Submitted']), 'in_reply_to': str(m['In-Reply-To']),
    'parts': [p.get_content_type() for p in parts],
    'blocks': [{k: str(v) for k, v in b.items()} for b in status],
    'defects': [str(d) for d in m.defects] + [str(d) for p in parts for d in p.defects],
  }
print(json.dumps([parse(base64.b64decode(line)) for line in sys.stdin.read().split()]))
`;

interface Parsed {
  type: string;
  report_type: string;
  subject: string;
  to: string;
  auto: string;
  in_reply_to: string;
  parts: string[];
  blocks: Record<string, string>[];
  defects: string[];
}

/** Parse messages with Python's email package (one process for all of them). */
async function parseAll(messages: Buffer[]): Promise<Parsed[]> {
  const r = await run('python3', ['-c', PARSE], { input: messages.map((m) => m.toString('base64')).join('\n') });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Parsed[];
}

async function parse(message: Buffer): Promise<Parsed> {
  return (await parseAll([message]))[0]!;
}

test('a failure report parses as multipart/report with a delivery-status part and the original headers', async () => {
  const parsed = await parse(composeDsn(base));
  assert.equal(parsed.type, 'multipart/report');
  assert.equal(parsed.report_type, 'delivery-status');
  assert.deepEqual(parsed.parts, ['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
  assert.equal(parsed.subject, 'Undelivered Mail Returned to Sender');
  assert.equal(parsed.auto, 'auto-replied');
  assert.equal(parsed.in_reply_to, '<m1@example.test>');
  assert.deepEqual(parsed.defects, []);
  const [perMessage, perRecipient] = parsed.blocks;
  assert.equal(perMessage!['Reporting-MTA'], 'dns; mail.example.test');
  assert.equal(perMessage!['Original-Envelope-Id'], 'env-42');
  assert.equal(perRecipient!['Final-Recipient'], 'rfc822; bob@remote.test');
  assert.equal(perRecipient!['Original-Recipient'], 'rfc822;team@example.test');
  assert.equal(perRecipient!['Action'], 'failed');
  assert.equal(perRecipient!['Status'], '5.1.1');
  assert.equal(perRecipient!['Remote-MTA'], 'dns; mx.remote.test');
  assert.match(perRecipient!['Diagnostic-Code']!.replace(/\s+/g, ' '), /^smtp; 550 5\.1\.1 <bob@remote\.test>: Recipient address rejected: User unknown/);
});

test('a delay notice, an internationalised address (global-delivery-status), RET=FULL', async () => {
  const delayed = await parse(composeDsn({ ...base, recipients: [{ ...base.recipients[0]!, action: 'delayed', status: '4.4.1', willRetryUntil: new Date('2026-11-27T10:00:00Z') }] }));
  assert.equal(delayed.subject, 'Delayed Mail (still being retried)');
  assert.ok(delayed.blocks[1]!['Will-Retry-Until']);
  const intl = await parse(composeDsn({ ...base, recipients: [{ ...base.recipients[0]!, address: 'jörg@bücher.test' }] }));
  assert.deepEqual(intl.parts, ['text/plain', 'message/global-delivery-status', 'text/rfc822-headers']);
  const full = await parse(composeDsn({ ...base, originalMessage: Buffer.from(base.originalHeader + '\r\nthe body\r\n') }));
  assert.deepEqual(full.parts, ['text/plain', 'message/delivery-status', 'message/rfc822']);
});

test('fuzz: random diagnostics, addresses and headers never break the structure or add fields', async () => {
  const randomText = () => randomBytes(1 + Math.floor(Math.random() * 300)).toString('latin1');
  const messages: Buffer[] = [];
  for (let i = 0; i < 200; i++) {
    const message = composeDsn({
      ...base,
      envid: randomText(),
      recipients: [{ ...base.recipients[0]!, diagnostic: randomText(), remoteMta: randomText(), originalRecipient: randomText() }],
      originalHeader: randomText(),
    });
    const head = message.subarray(0, message.indexOf('\r\n\r\n')).toString('latin1');
    assert.deepEqual(
      head.split('\r\n').filter((l) => !/^\s/.test(l)).map((l) => l.slice(0, l.indexOf(':'))),
      ['From', 'To', 'Subject', 'Date', 'Message-ID', 'In-Reply-To', 'References', 'Auto-Submitted', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding'],
    );
    messages.push(message);
  }
  for (const parsed of await parseAll(messages)) {
    assert.equal(parsed.parts.length, 3);
    assert.equal(parsed.blocks[1]!['Action'], 'failed');
    assert.equal(parsed.blocks[1]!['Status'], '5.1.1');
  }
});

test('enhanced status codes come from the reply text, else from the reply class', () => {
  assert.equal(enhancedStatus('550 5.1.1 User unknown', 550), '5.1.1');
  assert.equal(enhancedStatus('451-4.7.1 Greylisted', 451), '4.7.1');
  assert.equal(enhancedStatus('554 Go away', 554), '5.0.0');
  assert.equal(enhancedStatus('421 closing', 421), '4.0.0');
  assert.equal(enhancedStatus('connection refused', null), '4.0.0');
});
