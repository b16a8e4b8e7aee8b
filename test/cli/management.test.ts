// `mailserver domain|account|alias`: what they write, what they list, and that bad input exits
// non-zero with one line and writes nothing partial. Mostly in-process through runCli (the same
// function the bin calls); the bin itself is run for the exit codes and stdin handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../../src-mailserver/cli.js';
import { verifyPassword } from '../../src-mailserver/auth/passwords.js';
import { mailserver, run, ROOT } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

async function cli(args: string[], input = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d));
  stderr.on('data', (d: Buffer) => (err += d));
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([Buffer.from(input)]), env: {} });
  return { code, stdout: out, stderr: err };
}

function snapshot(dataDir: string) {
  const db = new Database(join(dataDir, 'mailserver.db'), { readonly: true });
  const s = JSON.stringify({
    domains: db.prepare('SELECT name FROM domains ORDER BY name').all(),
    accounts: db.prepare('SELECT local_part, password_hash FROM accounts ORDER BY local_part').all(),
    aliases: db.prepare('SELECT a.local_part, t.target FROM aliases a JOIN alias_targets t ON t.alias_id = a.id ORDER BY 1, 2').all(),
    keys: db.prepare('SELECT selector FROM dkim_keys ORDER BY 1').all(),
  });
  db.close();
  return s;
}

test('domains, accounts and aliases: add, list, change, remove', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const d = ['--data', dir.path];
  assert.deepEqual(await cli(['domain', 'add', 'Example.TEST', ...d]), { code: 0, stdout: 'added domain example.test\n', stderr: '' });
  assert.equal((await cli(['domain', 'add', 'bücher.example', ...d])).code, 0);
  assert.equal((await cli(['domain', 'list', ...d])).stdout, 'example.test\nxn--bcher-kva.example (bücher.example)\n');
  assert.deepEqual(JSON.parse((await cli(['domain', 'list', '--json', ...d])).stdout).map((x: { name: string }) => x.name), ['example.test', 'xn--bcher-kva.example']);
  // Adding a domain gives it its DKIM keys.
  const keys = new Database(join(dir.path, 'mailserver.db'), { readonly: true }).prepare("SELECT algorithm, state FROM dkim_keys WHERE domain_id = (SELECT id FROM domains WHERE name = 'example.test') ORDER BY algorithm").all();
  assert.deepEqual(keys, [{ algorithm: 'ed25519-sha256', state: 'active' }, { algorithm: 'rsa-sha256', state: 'active' }]);

  assert.equal((await cli(['account', 'add', 'Alice@example.test', '--password-stdin', '--quota', '1G', ...d], 'first password\n')).code, 0);
  assert.ok(existsSync(join(dir.path, 'mail/example.test/alice/.Sent/cur')));
  assert.ok(existsSync(join(dir.path, 'mail/example.test/alice/.Sent/maildirfolder')));
  assert.equal((await cli(['account', 'list', ...d])).stdout, `alice@example.test  quota=${1024 ** 3}\n`);
  assert.equal((await cli(['account', 'passwd', 'alice@example.test', '--password-stdin', ...d], 'second password')).code, 0);
  const hash = (new Database(join(dir.path, 'mailserver.db'), { readonly: true }).prepare('SELECT password_hash AS h FROM accounts').get() as { h: string }).h;
  assert.ok(await verifyPassword('second password', hash));
  assert.ok(!(await verifyPassword('first password', hash)));

  assert.equal((await cli(['alias', 'add', 'sales@example.test', 'alice@example.test', 'bob@remote.test', ...d])).stdout, 'alias sales@example.test -> alice@example.test, bob@remote.test\n');
  assert.equal((await cli(['alias', 'add', '@example.test', 'alice@example.test', ...d])).code, 0);
  assert.equal((await cli(['alias', 'list', ...d])).stdout, '@example.test -> alice@example.test\nsales@example.test -> alice@example.test, bob@remote.test\n');
  assert.equal((await cli(['alias', 'remove', 'sales@example.test', 'bob@remote.test', ...d])).code, 0);
  assert.equal((await cli(['alias', 'remove', '@example.test', ...d])).code, 0);
  assert.equal((await cli(['alias', 'list', '--json', ...d])).stdout, '[{"address":"sales@example.test","targets":["alice@example.test"]}]\n');

  const removeDomain = await cli(['domain', 'remove', 'example.test', ...d]);
  assert.equal(removeDomain.code, 1);
  assert.match(removeDomain.stderr, /still has 1 account/);
  assert.match((await cli(['account', 'remove', 'alice@example.test', ...d])).stdout, /its mail stays in .*mail\/example\.test\/alice/);
  assert.ok(existsSync(join(dir.path, 'mail/example.test/alice/cur')), 'mail is kept on disk');
  assert.equal((await cli(['domain', 'remove', 'example.test', '--force', ...d])).code, 0);
  assert.equal((await cli(['domain', 'list', ...d])).stdout, 'xn--bcher-kva.example (bücher.example)\n');
});

test('bad input: one line on stderr, non-zero exit, nothing written', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const d = ['--data', dir.path];
  await cli(['domain', 'add', 'example.test', ...d]);
  await cli(['account', 'add', 'alice@example.test', '--password-stdin', ...d], 'pw');
  const before = snapshot(dir.path);
  const cases: [string[], string, number, RegExp][] = [
    [['domain', 'add', 'not a domain'], '', 1, /invalid domain name/],
    [['domain', 'add', 'example.test'], '', 1, /already exists/],
    [['domain', 'add'], '', 2, /needs a domain name/],
    [['account', 'add', 'alice@example.test', '--password-stdin'], 'pw', 1, /already exists/],
    [['account', 'add', 'bob@other.test', '--password-stdin'], 'pw', 1, /not a local domain/],
    [['account', 'add', 'bad address', '--password-stdin'], 'pw', 1, /invalid address/],
    [['account', 'add', 'b%c@example.test', '--password-stdin'], 'pw', 1, /invalid address/],
    [['account', 'add', 'bob@example.test', '--password-stdin'], '', 1, /empty password/],
    [['account', 'add', 'bob@example.test', '--password-stdin'], '\n', 1, /empty password/],
    [['account', 'add', 'bob@example.test', '--password-stdin'], 'two\nlines', 1, /single line/],
    [['account', 'add', 'bob@example.test'], 'pw', 2, /--password-stdin/],
    [['account', 'add', 'bob@example.test', '--password-stdin', '--quota', 'lots'], 'pw', 1, /invalid quota/],
    [['account', 'passwd', 'ghost@example.test', '--password-stdin'], 'pw', 1, /no such account/],
    [['account', 'remove', 'ghost@example.test'], '', 1, /no such account/],
    [['account', 'frobnicate'], '', 2, /usage/],
    [['alias', 'add', 'x@example.test'], '', 2, /at least one target/],
    [['alias', 'add', 'x@other.test', 'alice@example.test'], '', 1, /not a local domain/],
    [['alias', 'add', 'x@example.test', 'not-an-address'], '', 1, /invalid target/],
    [['alias', 'remove', 'nothing@example.test'], '', 1, /no such alias/],
    [['domain', 'list', '--colour'], '', 2, /colour/],
    [['account', 'list', '--password', 'x'], '', 2, /password/],
  ];
  for (const [args, input, code, message] of cases) {
    const r = await cli([...args, ...d], input);
    assert.equal(r.code, code, `${args.join(' ')} → ${r.code} ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.equal(snapshot(dir.path), before, 'nothing changed');
  assert.deepEqual((await readdir(join(dir.path, 'mail/example.test'))).sort(), ['alice']);
  assert.equal((await cli(['nonsense'])).code, 2);
});

test('the real bin: exit codes, stdin password, MAILSERVER_DATA, unwritable data dir', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const env = { ...process.env, MAILSERVER_DATA: join(dir.path, 'from-env') };
  assert.equal((await mailserver(['domain', 'add', 'example.test'], { env })).code, 0);
  const add = await mailserver(['account', 'add', 'alice@example.test', '--password-stdin'], { env, input: 'secret\n' });
  assert.equal(add.code, 0, add.stderr);
  assert.ok(existsSync(join(dir.path, 'from-env/mail/example.test/alice/new')));
  await writeFile(join(dir.path, 'plainfile'), '');
  const bad = await mailserver(['domain', 'list', '--data', join(dir.path, 'plainfile', 'x')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^mailserver domain: data directory .* is not writable \(\w+\)\n$/);
  const usage = await mailserver(['account', 'add', 'x@example.test', '--bogus'], { env });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^mailserver account: .*--bogus/);
  const help = await mailserver(['help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /mailserver domain add NAME/);
  // `npx mailserver` in the project runs the package's own bin (README's headless use).
  const npx = await run('npx', ['--no-install', 'mailserver', 'domain', 'list'], { env, cwd: ROOT });
  assert.equal(npx.code, 0, npx.stderr);
  assert.equal(npx.stdout, 'example.test\n');
});
