// Never an open relay: an unauthenticated client reaches local recipients only. Each classic
// trick is refused and nothing is stored; unknown local users get 550 5.1.1; the domainless
// postmaster (RFC 5321 §4.5.1) is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer } from '../support/test-server.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { readMessages } from '../support/maildir-reader.js';

async function allStoredFiles(dataDir: string): Promise<number> {
  let n = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (/\/(new|cur)$/.test(dir)) n++;
    }
  };
  await walk(join(dataDir, 'mail'));
  return n;
}

test('relay attempts and their classic disguises are refused', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  server.service.directory.aliases.add('postmaster@example.test', ['alice@example.test']);
  const { dialog, greeting } = await SmtpDialog.open(server.ports.smtp!);
  t.after(() => dialog.close());
  assert.equal(greeting.code, 220);
  assert.equal((await dialog.command('EHLO client.remote.test')).code, 250);
  // A sender in our own domain does not make a stranger trusted.
  assert.equal((await dialog.command('MAIL FROM:<alice@example.test>')).code, 250);
  const tricks: [string, RegExp][] = [
    ['<victim@other.test>', /^554 5\.7\.1 /],
    ['<victim@OTHER.test>', /^554 5\.7\.1 /],
    ['<alice%other.test@example.test>', /^554 5\.7\.1 /],
    ['<other.test!alice@example.test>', /^554 5\.7\.1 /],
    ['<@example.test:victim@other.test>', /^554 5\.7\.1 /],
    ['<@example.test,@mx.example.test:victim@other.test>', /^554 5\.7\.1 /],
    ['<"victim@other.test"@example.test>', /^5\d\d /],
    ['<victim@other.test@example.test>', /^5\d\d /],
    ['<alice@[127.0.0.1]>', /^554 5\.7\.1 /],
    ['<victim@other.test.>', /^5\d\d /],
    ['<alice@example.test.other.test>', /^554 5\.7\.1 /],
  ];
  for (const [rcpt, expected] of tricks) {
    const r = await dialog.command(`RCPT TO:${rcpt}`);
    assert.match(`${r.code} ${r.text}`, expected, `RCPT TO:${rcpt} answered ${r.code} ${r.text}`);
  }
  const unknown = await dialog.command('RCPT TO:<nobody@example.test>');
  assert.equal(`${unknown.code} ${unknown.text.slice(0, 5)}`, '550 5.1.1');
  // Nothing accepted yet, so DATA has no recipients.
  assert.equal((await dialog.command('DATA')).code, 503);
  // A source route to a local mailbox is allowed and ignored (RFC 5321 §3.6.1, appendix C).
  const routed = await dialog.command('RCPT TO:<@relay.remote.test:alice@example.test>');
  assert.equal(routed.code, 250);
  const postmaster = await dialog.command('RCPT TO:<Postmaster>');
  assert.equal(postmaster.code, 250);
  assert.equal((await dialog.command('DATA')).code, 354);
  dialog.write('Subject: routed\r\n\r\nhello\r\n.\r\n');
  assert.equal((await dialog.reply()).code, 250);
  await dialog.command('QUIT');
  // Only alice got mail (once: the routed address and postmaster are the same mailbox).
  assert.equal(await allStoredFiles(server.dataDir), 1);
  assert.equal((await readMessages(join(server.dataDir, 'mail/example.test/alice'))).length, 1);
  const refused = server.log.ring.recent().filter((r) => r.msg === 'recipient refused');
  assert.ok(refused.some((r) => r.reason === 'relay-trick'));
  assert.ok(refused.some((r) => r.reason === 'relay'));
});

test('swaks is refused as a relay, and the log says why', async (t) => {
  const server = await startTestServer(t, { accounts: { 'alice@example.test': 'pw' } });
  const { run } = await import('../support/processes.js');
  const r = await run('swaks', ['--server', `127.0.0.1:${server.ports.smtp}`, '--from', 'spammer@remote.test', '--to', 'victim@elsewhere.test', '--hide-all', '--timeout', '10']);
  assert.notEqual(r.code, 0);
  assert.equal(await allStoredFiles(server.dataDir), 0);
  assert.ok(server.log.ring.recent().some((rec) => rec.msg === 'recipient refused' && rec.reason === 'relay' && rec.to === 'victim@elsewhere.test'));
});
