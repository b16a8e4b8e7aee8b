// `mailserver serve` as a real process: the ready line with the bound ports, flags over the
// config file, a management command taking effect in the running server at once, and SIGTERM
// finishing the transaction in flight before exiting 0 within 10 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { mailserver, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { readMessages } from '../support/maildir-reader.js';

test('ready line, config file under flags, live directory changes, SIGTERM drains in-flight mail', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  await writeFile(join(dir.path, 'config.json'), JSON.stringify({ hostname: 'from-config.example.test', limits: { maxRecipients: 7 } }));
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp']).filter((a, i, all) => a !== '--hostname' && all[i - 1] !== '--hostname'));
  assert.deepEqual(Object.keys(server.ports), ['smtp']);
  assert.ok(server.ports.smtp! > 0);
  const ready = server.lines.filter((l) => l.startsWith('{"ready":true'));
  assert.equal(ready.length, 1);
  assert.deepEqual(JSON.parse(ready[0]!), { ready: true, ports: { smtp: server.ports.smtp } });
  // Every stdout line is JSON.
  for (const line of server.lines) JSON.parse(line);

  const { dialog, greeting } = await SmtpDialog.open(server.ports.smtp!);
  t.after(() => dialog.close());
  assert.match(greeting.text, /^from-config\.example\.test /, 'hostname from config.json');
  await dialog.command('EHLO client.test');
  await dialog.command('MAIL FROM:<a@remote.test>');
  assert.equal((await dialog.command('RCPT TO:<new@example.test>')).code, 554, 'not a local domain yet');
  // Added while the server runs: the very next RCPT sees it.
  assert.equal((await mailserver(['domain', 'add', 'example.test', '--data', dir.path])).code, 0);
  assert.equal((await dialog.command('RCPT TO:<new@example.test>')).code, 550, 'domain known, user not yet');
  assert.equal((await mailserver(['account', 'add', 'new@example.test', '--password-stdin', '--data', dir.path], { input: 'pw' })).code, 0);
  assert.equal((await dialog.command('RCPT TO:<new@example.test>')).code, 250);

  // Start DATA, then SIGTERM in the middle of the message.
  assert.equal((await dialog.command('DATA')).code, 354);
  dialog.write('Subject: in flight\r\n\r\nfirst half\r\n');
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  // A new connection is no longer accepted.
  await assert.rejects(SmtpDialog.open(server.ports.smtp!));
  dialog.write('second half\r\n.\r\n');
  const reply = await dialog.reply();
  assert.equal(reply.code, 250, `in-flight message finished: ${reply.code} ${reply.text}`);
  const exit = await server.exited;
  assert.equal(exit.code, 0);
  assert.ok(Date.now() - started < 10_000);
  const [msg] = await readMessages(join(dir.path, 'mail/example.test/new'));
  assert.match(msg!, /first half\r\nsecond half\r\n$/);
  assert.ok(server.lines.some((l) => l.includes('"msg":"stopped"')));
  assert.deepEqual(await readdir(join(dir.path, 'logs')), ['mailserver.log']);
});

test('serve refuses bad flags and an unusable data dir with one line and a non-zero exit', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const unknown = await mailserver(['serve', '--data', dir.path, '--smtp-prot', '25']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr.trim().split('\n').length, 1);
  assert.match(unknown.stderr, /smtp-prot/);
  const badPort = await mailserver(['serve', '--data', dir.path, '--smtp-port', '99999']);
  assert.equal(badPort.code, 2);
  await writeFile(join(dir.path, 'file'), 'x');
  const notDir = await mailserver(['serve', '--data', join(dir.path, 'file', 'sub')]);
  assert.equal(notDir.code, 1);
  assert.match(notDir.stderr, /^mailserver serve: data directory .* is not writable/);
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.after(() => blocker.close());
  const busy = await mailserver(['serve', ...serveArgs(dir.path, []), '--smtp-port', String((blocker.address() as { port: number }).port)]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /^mailserver serve: cannot listen on 127\.0\.0\.1:\d+ for smtp: the port is in use/m);
  const notOurs = await mailserver(['serve', ...serveArgs(dir.path, ['smtp']), '--listen', '192.0.2.1']);
  assert.equal(notOurs.code, 1);
  assert.match(notOurs.stderr, /192\.0\.2\.1 is not an address of this machine/);
  await writeFile(join(dir.path, 'config.json'), '{"ports":{"smtp":"twenty-five"}}');
  const badConfig = await mailserver(['serve', '--data', dir.path]);
  assert.equal(badConfig.code, 1);
  assert.match(badConfig.stderr, /invalid configuration at ports\.smtp/);
});
