// The AAAA side of the address fallback (RFC 5321 §5.1): a domain with no MX and only an IPv6
// address gets its mail over IPv6, from a real DNS server (knot) to a peer MTA on [::1]:25. The
// loopback has one IPv6 address, so the peer waits (bounded) while another run holds the port.
// DNS on 127.0.5.32.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startKnot, zoneHeader } from '../support/knot.js';
import { startSmtpSink, type SinkOptions, type SmtpSink } from '../support/smtp-sink.js';
import { startTestServer } from '../support/test-server.js';

const DNS = '127.0.5.32';

/** A sink on [::1]:25, retried for up to a minute while the port is taken by someone else. */
async function ipv6Sink(t: TestContext, options: Omit<SinkOptions, 'address'>): Promise<SmtpSink> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await startSmtpSink(t, { ...options, address: '::1' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
    }
  }
}

test('no MX and only an AAAA record: delivered over IPv6 to the domain\'s own address', async (t) => {
  const dns = await startKnot(t, DNS, { 'six.test': zoneHeader('six.test', DNS) + '@ AAAA ::1\n' });
  const server = await startTestServer(t, {
    listeners: ['submission'],
    accounts: { 'alice@example.test': 'alice-pw' },
    config: { dns: dns.server, queue: { retryBaseSeconds: 0.2, retryMaxSeconds: 0.5 }, outbound: { connectTimeoutSeconds: 2, greetingTimeoutSeconds: 2 } },
  });
  const sink = await ipv6Sink(t, {});
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'alice@example.test', pass: 'alice-pw' } });
  t.after(() => transport.close());
  await transport.sendMail({ from: 'alice@example.test', to: 'bob@six.test', subject: 'over IPv6', text: 'x' });
  const [msg] = await sink.waitForMessages(1);
  assert.deepEqual(msg!.to, ['bob@six.test']);
  assert.match(msg!.data.toString('latin1'), /Subject: over IPv6/);
});
