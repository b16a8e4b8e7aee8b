// A private Dovecot IMAP instance over a Maildir tree, as a cross-check that our Maildir (files,
// names, flags, folders) and password hashes are what Dovecot reads. As root Dovecot refuses uid 0
// for mail, so it serves a copy owned by `mail` (see ../shared/TESTING.md).
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { run } from './processes.js';
import { freePort } from './free-port.js';

export interface DovecotInstance {
  port: number;
  mailRoot: string;
}

/** `users`: address → stored password hash ({ARGON2ID}...). */
export async function startDovecot(t: TestContext, workDir: string, mailTree: string, users: Record<string, string>): Promise<DovecotInstance> {
  const port = await freePort();
  await chmod(workDir, 0o755); // Dovecot's auth and mail processes run as other users
  const mailRoot = join(workDir, 'mail');
  await cp(mailTree, mailRoot, { recursive: true });
  await mkdir(join(workDir, 'run'), { recursive: true });
  await mkdir(join(workDir, 'state'), { recursive: true });
  await writeFile(join(workDir, 'passwd'), Object.entries(users).map(([u, h]) => `${u}:${h}`).join('\n') + '\n');
  const conf = `
base_dir = ${workDir}/run
state_dir = ${workDir}/state
log_path = ${workDir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_location = maildir:${mailRoot}/%d/%n
mail_privileged_group = mail
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
}
passdb {
  driver = passwd-file
  args = ${workDir}/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${workDir}/home/%d/%n
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  await writeFile(join(workDir, 'dovecot.conf'), conf);
  const chown = await run('chown', ['-R', 'mail:mail', mailRoot]);
  if (chown.code !== 0) throw new Error(chown.stderr);
  const child = spawn('dovecot', ['-F', '-c', join(workDir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  t.after(() => {
    child.kill('SIGTERM');
  });
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return { port, mailRoot };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const log = await readFile(join(workDir, 'dovecot.log'), 'utf8').catch(() => '');
  throw new Error(`dovecot did not start: ${stderr} ${log}`);
}
