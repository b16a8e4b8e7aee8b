// A private Postfix instance (Debian's postfix package) as a peer MTA: its own config, queue and
// data directories, listening on a fixed loopback address on port 25, accepting mail for one
// domain's listed users into one Maildir (virtual delivery), STARTTLS offered when given a
// certificate. Runs in the foreground (`postfix start-fg`); stopped when the test ends.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { run } from './processes.js';
import { makeTempDir } from './temp-dir.js';
import { readMessages } from './maildir-reader.js';

export interface PostfixPeer {
  address: string;
  hostname: string;
  /** Messages delivered so far (whole files). */
  messages(): Promise<string[]>;
  waitForMessages(n: number, timeoutMs?: number): Promise<string[]>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface PostfixOptions {
  address: string;
  hostname: string;
  domain: string;
  users: string[];
  tls?: { key: string; cert: string };
}

async function ids(name: string): Promise<{ uid: number; gid: number }> {
  const r = await run('id', [name]);
  const uid = /uid=(\d+)/.exec(r.stdout);
  const gid = /gid=(\d+)/.exec(r.stdout);
  if (!uid || !gid) throw new Error(`no ${name} user: ${r.stderr}`);
  return { uid: Number(uid[1]), gid: Number(gid[1]) };
}

function reachable(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(25, address);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startPostfix(t: TestContext, options: PostfixOptions): Promise<PostfixPeer> {
  const temp = await makeTempDir('postfix-');
  const dir = temp.path;
  const conf = join(dir, 'conf');
  const mail = join(dir, 'mail');
  await chmod(dir, 0o755); // Postfix's own processes run as the postfix user
  await Promise.all(['conf', 'queue', 'data', 'mail'].map((d) => mkdir(join(dir, d))));
  const postfix = await ids('postfix');
  await chown(join(dir, 'data'), postfix.uid, postfix.gid);
  await chown(mail, postfix.uid, postfix.gid);
  // The stock master.cf, with smtpd bound to our address only and outside a chroot.
  const master = (await readFile('/etc/postfix/master.cf', 'utf8')).replace(/^smtp\s+inet\s.*$/m, `${options.address}:25 inet n - n - - smtpd`);
  await writeFile(join(conf, 'master.cf'), master);
  await copyFile('/etc/postfix/dynamicmaps.cf', join(conf, 'dynamicmaps.cf')).catch(() => undefined);
  const tlsLines: string[] = [];
  if (options.tls) {
    await writeFile(join(conf, 'tls.key'), options.tls.key, { mode: 0o600 });
    await writeFile(join(conf, 'tls.crt'), options.tls.cert);
    tlsLines.push(`smtpd_tls_key_file = ${conf}/tls.key`, `smtpd_tls_cert_file = ${conf}/tls.crt`, 'smtpd_tls_security_level = may', 'smtpd_tls_loglevel = 1');
  }
  await writeFile(
    join(conf, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      `myhostname = ${options.hostname}`,
      'mydestination =',
      'mynetworks = 127.0.0.0/8',
      'relay_domains =',
      'alias_maps =',
      'alias_database =',
      `virtual_mailbox_domains = ${options.domain}`,
      `virtual_mailbox_base = ${mail}`,
      `virtual_mailbox_maps = inline:{ ${options.users.map((u) => `${u}@${options.domain}=box/`).join(', ')} }`,
      `virtual_uid_maps = static:${postfix.uid}`,
      `virtual_gid_maps = static:${postfix.gid}`,
      'virtual_minimum_uid = 1',
      `maillog_file = ${dir}/maillog`,
      `maillog_file_prefixes = ${dir}`,
      'smtpd_banner = $myhostname ESMTP Postfix',
      'biff = no',
      'smtputf8_enable = yes',
      ...tlsLines,
      '',
    ].join('\n'),
  );
  const child = spawn('postfix', ['-c', conf, 'start-fg'], { stdio: 'ignore', detached: true });
  const exited = once(child, 'exit');
  const log = () => readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
  const deadline = Date.now() + 20_000;
  while (!(await reachable(options.address))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = await log();
      await run('postfix', ['-c', conf, 'abort'], { timeoutMs: 10_000 });
      child.kill('SIGKILL');
      await temp.remove();
      throw new Error(`postfix did not start: ${text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped = false;
  const peer: PostfixPeer = {
    address: options.address,
    hostname: options.hostname,
    messages: () => readMessages(join(mail, 'box')),
    async waitForMessages(n, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const got = await peer.messages();
        if (got.length >= n) return got;
        if (Date.now() > until) throw new Error(`postfix has ${got.length} of ${n} messages; log:\n${await log()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run('postfix', ['-c', conf, 'stop'], { timeoutMs: 15_000 });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await temp.remove();
    },
  };
  t.after(() => peer.stop());
  return peer;
}
