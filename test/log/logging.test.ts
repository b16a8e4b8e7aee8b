// Logs: the ring buffer (bounded, newest kept, filters, live subscribers), size rotation of the
// log file, and the records a delivery writes (connection id, remote IP, envelope, result,
// queue and message ids) — with no body text and no password in any line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { LogRingBuffer, type LogRecord } from '../../src-mailserver/log/ring-buffer.js';
import { RotatingFile } from '../../src-mailserver/log/rotating-file.js';
import { mailserver, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

test('the ring buffer keeps the newest records, filters, and feeds subscribers', () => {
  const ring = new LogRingBuffer(5);
  const seen: LogRecord[] = [];
  const unsubscribe = ring.subscribe((r) => seen.push(r));
  for (let i = 0; i < 8; i++) ring.write(JSON.stringify({ level: 30, time: i, msg: `m${i}`, cid: i % 2 ? 'odd' : 'even' }));
  ring.write('not json');
  assert.deepEqual(ring.recent().map((r) => r.msg), ['m3', 'm4', 'm5', 'm6', 'm7']);
  assert.deepEqual(ring.recent(2).map((r) => r.msg), ['m6', 'm7']);
  assert.deepEqual(ring.recent(10, (r) => r.cid === 'odd').map((r) => r.msg), ['m3', 'm5', 'm7']);
  assert.equal(seen.length, 8);
  unsubscribe();
  ring.write(JSON.stringify({ level: 30, time: 9, msg: 'm9' }));
  assert.equal(seen.length, 8);
});

test('the log file rotates by size and keeps a bounded number of old files', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const file = new RotatingFile({ file: join(dir.path, 'logs', 'mailserver.log'), maxBytes: 1000, keep: 3 });
  for (let i = 0; i < 100; i++) file.write(JSON.stringify({ i, pad: 'x'.repeat(80) }) + '\n');
  file.end();
  await new Promise((r) => setTimeout(r, 100));
  const names = (await readdir(join(dir.path, 'logs'))).sort();
  assert.deepEqual(names, ['mailserver.log', 'mailserver.log.1', 'mailserver.log.2', 'mailserver.log.3']);
  for (const n of names) assert.ok((await stat(join(dir.path, 'logs', n))).size <= 1100, n);
  const last = (await readFile(join(dir.path, 'logs', 'mailserver.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { i: number });
  assert.equal(last.at(-1)!.i, 99);
});

test('a delivery is logged as one structured record in DATA/logs and on stdout', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  await mailserver(['domain', 'add', 'example.test', '--data', dir.path]);
  await mailserver(['account', 'add', 'alice@example.test', '--password-stdin', '--data', dir.path], { input: 'topsecret-pw' });
  const server = await spawnServer(t, serveArgs(dir.path, ['smtp']));
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
  await transport.sendMail({ from: 'bob@remote.test', to: 'alice@example.test', subject: 'private subject', text: 'private body text', messageId: '<log-me@remote.test>' });
  await transport.sendMail({ from: 'bob@remote.test', to: 'nobody@example.test', text: 'x' }).catch(() => undefined);
  assert.equal((await server.kill('SIGTERM')).code, 0);
  const fileLines = (await readFile(join(dir.path, 'logs/mailserver.log'), 'utf8')).trim().split('\n');
  const records = fileLines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const accepted = records.find((r) => r.msg === 'message accepted')!;
  assert.ok(accepted, 'delivery record present');
  assert.equal(typeof accepted.cid, 'string');
  assert.equal(accepted.proto, 'smtp');
  assert.equal(accepted.remote, '127.0.0.1');
  assert.equal(accepted.from, 'bob@remote.test');
  assert.deepEqual(accepted.to, ['alice@example.test']);
  assert.equal(accepted.result, 'delivered');
  assert.equal(accepted.msgid, '<log-me@remote.test>');
  assert.match(String(accepted.queueId), /^q/);
  assert.equal(typeof accepted.time, 'number');
  assert.ok(records.some((r) => r.msg === 'recipient refused' && r.reason === 'unknown-user' && r.to === 'nobody@example.test'));
  const all = fileLines.join('\n');
  assert.ok(!all.includes('private body text') && !all.includes('private subject') && !all.includes('topsecret-pw'));
  // stdout carries the same records.
  assert.ok(server.lines.some((l) => l.includes('"msg":"message accepted"') && l.includes('<log-me@remote.test>')));
});
