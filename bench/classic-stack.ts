// The classic stack under test, as a private instance with its own config dirs: Postfix
// (`postfix -c DIR`, own queue directory) with virtual mailboxes delivered over LMTP to Dovecot
// (`dovecot -F -c FILE`, own base_dir), which stores Maildir and serves IMAP. Defaults are kept
// (fsync, process model, in_flow_delay); only what a private loopback instance needs is set, plus
// the connection allowances the bench needs (as on our side). Outbound mail relays to the sink.
// Runs as root: Postfix's master must start as root, and Dovecot delivers as the `mail` user.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, processTree, runOk, sleep } from './support/proc.js';
import { DOMAIN, SINK_ADDRESS, type Stack } from './stack.js';

/** Postfix's smtpd listens here (a free port), apart from other engineers' fixed addresses. */
const POSTFIX_ADDRESS = '127.0.4.1';

function dovecotConf(w: string, imapPort: number): string {
  return `
base_dir = ${w}/dovecot/run
state_dir = ${w}/dovecot/state
log_path = ${w}/dovecot/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_location = maildir:${w}/mail/%d/%n
mail_privileged_group = mail
default_client_limit = 5000
mail_max_userip_connections = 500
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = ${w}/dovecot/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${w}/home/%d/%n
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service imap {
  process_limit = 2000
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
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
}

function postfixMaster(smtpPort: number): string {
  // Debian's master.cf without chroot (a private queue directory has no chroot tree).
  return `${POSTFIX_ADDRESS}:${smtpPort} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;
}

function postfixMain(w: string): string {
  return `compatibility_level = 3.6
queue_directory = ${w}/postfix-spool
data_directory = ${w}/postfix-data
maillog_file = ${w}/postfix.log
maillog_file_prefixes = ${w}
myhostname = classic.bench.test
mydomain = bench.test
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = ${DOMAIN}
virtual_mailbox_maps = texthash:${w}/postfix/vmailbox
virtual_transport = lmtp:unix:${w}/dovecot/run/lmtp
relayhost = [${SINK_ADDRESS}]:25
smtp_dns_support_level = disabled
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_client_connection_count_limit = 5000
biff = no
`;
}

async function waitForPort(host: string, port: number, what: string, alive: () => boolean, log: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) break;
    await sleep(100);
  }
  throw new Error(`${what} did not start: ${await log()}`);
}

/** Postfix's commands print their errors only to a terminal (or syslog): give them one. */
function postfixCommand(w: string, command: string): Promise<string> {
  return runOk('script', ['-qec', `postfix -c ${join(w, 'postfix')} ${command}`, '/dev/null']);
}

export class ClassicStack implements Stack {
  readonly name = 'classic' as const;

  private constructor(
    private readonly w: string,
    private readonly dovecot: ChildProcess,
    private readonly ports: { smtp: number; imap: number },
  ) {}

  /**
   * Write both configurations for `localParts` (sharing one {ARGON2ID} hash with our server),
   * copy the seeded Maildirs given as user → our INBOX directory, and start both daemons.
   */
  static async start(w: string, localParts: string[], passwordHash: string, seeded: Map<string, string>): Promise<ClassicStack> {
    await chmod(w, 0o755); // Dovecot's and Postfix's processes run as other users
    for (const d of ['postfix', 'postfix-spool', 'postfix-data', 'dovecot/run', 'dovecot/state', 'mail', 'home']) await mkdir(join(w, d), { recursive: true });
    const imapPort = await freePort();
    const smtpPort = await freePort(POSTFIX_ADDRESS);

    // Seeded mailboxes: the very files our store wrote (Dovecot-compatible names).
    for (const [user, ourInbox] of seeded) {
      for (const sub of ['new', 'cur']) await cp(join(ourInbox, sub), join(w, 'mail', DOMAIN, user, sub), { recursive: true });
      await mkdir(join(w, 'mail', DOMAIN, user, 'tmp'), { recursive: true });
    }
    await runOk('chown', ['-R', 'mail:mail', join(w, 'mail'), join(w, 'home')]);

    await writeFile(join(w, 'dovecot', 'passwd'), localParts.map((u) => `${u}@${DOMAIN}:${passwordHash}`).join('\n') + '\n');
    await writeFile(join(w, 'dovecot', 'dovecot.conf'), dovecotConf(w, imapPort));
    // Its own session, as under an init system (see our-stack.ts on autogroup scheduling).
    const dovecot = spawn('dovecot', ['-F', '-c', join(w, 'dovecot', 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    dovecot.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const dovecotLog = async () => `${stderr} ${await readFile(join(w, 'dovecot', 'dovecot.log'), 'utf8').catch(() => '')}`;
    await waitForPort('127.0.0.1', imapPort, 'dovecot', () => dovecot.exitCode === null, dovecotLog);

    await writeFile(join(w, 'postfix', 'main.cf'), postfixMain(w));
    await writeFile(join(w, 'postfix', 'master.cf'), postfixMaster(smtpPort));
    await writeFile(join(w, 'postfix', 'vmailbox'), localParts.map((u) => `${u}@${DOMAIN} ${DOMAIN}/${u}/`).join('\n') + '\n');
    const postfixLog = async () => readFile(join(w, 'postfix.log'), 'utf8').catch(() => '(no log)');
    try {
      await runOk('chown', ['postfix', join(w, 'postfix-data')]);
      await postfixCommand(w, 'check');
      await postfixCommand(w, 'start');
    } catch (err) {
      dovecot.kill('SIGTERM');
      throw new Error(`${(err as Error).message}\n${await postfixLog()}`);
    }
    const stack = new ClassicStack(w, dovecot, { smtp: smtpPort, imap: imapPort });
    try {
      await waitForPort(POSTFIX_ADDRESS, smtpPort, 'postfix', () => true, postfixLog);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  get smtp() {
    return { host: POSTFIX_ADDRESS, port: this.ports.smtp };
  }

  get submit() {
    return { host: POSTFIX_ADDRESS, port: this.ports.smtp, auth: false };
  }

  get imap() {
    return { host: '127.0.0.1', port: this.ports.imap };
  }

  maildir(localPart: string): string {
    return join(this.w, 'mail', DOMAIN, localPart);
  }

  private postfixMasterPid(): number | null {
    try {
      const text = readFileSync(join(this.w, 'postfix-spool', 'pid', 'master.pid'), 'utf8');
      return Number(text.trim()) || null;
    } catch {
      return null;
    }
  }

  pids(): number[] {
    const out: number[] = [];
    const master = this.postfixMasterPid();
    if (master) out.push(...processTree(master));
    if (this.dovecot.pid && this.dovecot.exitCode === null) out.push(...processTree(this.dovecot.pid));
    return out;
  }

  async stop(): Promise<void> {
    await postfixCommand(this.w, 'stop').catch(() => undefined);
    if (this.dovecot.exitCode === null && this.dovecot.signalCode === null) {
      const exited = once(this.dovecot, 'exit');
      this.dovecot.kill('SIGTERM');
      const timer = setTimeout(() => this.dovecot.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
