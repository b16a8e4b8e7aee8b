// Our server under test: a temp data directory provisioned with the bench domain and users (the
// same tables and Maildir layout `mailserver domain/account add` write), mailboxes seeded through
// our store's own delivery path (spool, fsync, link, directory fsync, index row), then the real
// `mailserver serve` process on free loopback ports, with outbound mail relayed to the sink.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DkimKeyStore } from '../src-mailserver/auth/dkim-keys.js';
import { openManageContext } from '../src-mailserver/cli/manage-context.js';
import { makeMessage } from './support/messages.js';
import { processTree } from './support/proc.js';
import { DOMAIN, SINK_ADDRESS, type Stack } from './stack.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'mailserver.js');

export interface SeedMailbox {
  user: string;
  count: number;
  /** Approximate message size in bytes. */
  size: number;
}

export function seedToken(user: string, n: number): string {
  return `seed-${user}-${n}`;
}

/** Domain, accounts (all with one password hash) and their Maildirs; then seed mailboxes. */
export async function provisionOurs(dataDir: string, localParts: string[], passwordHash: string, seed: SeedMailbox[], onProgress?: (done: number) => void): Promise<void> {
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({
      // Every bench client comes from 127.0.0.1; the classic stack gets the same allowance.
      limits: { maxConnectionsPerIp: 5000, maxConnectionsPerUser: 500, maxConnections: 2000 },
      relay: { host: SINK_ADDRESS, port: 25, tls: 'none', verifyCertificate: false },
    }),
  );
  const ctx = openManageContext(dataDir);
  try {
    const { directory, store } = ctx;
    if (!directory.domains.get(DOMAIN)) {
      directory.domains.add(DOMAIN);
      new DkimKeyStore(directory.db).ensureForDomain(DOMAIN);
    }
    for (const local of localParts) {
      const address = `${local}@${DOMAIN}`;
      const account = directory.accounts.get(address) ?? directory.accounts.add({ address, passwordHash });
      await store.delivery.ensureAccount(account);
    }
    let done = 0;
    for (const box of seed) {
      const account = directory.accounts.get(`${box.user}@${DOMAIN}`)!;
      const inbox = store.index.getMailbox(account.id, 'INBOX')!;
      let next = 0;
      const worker = async () => {
        while (next < box.count) {
          const n = next++;
          const data = makeMessage({ token: seedToken(box.user, n), n, to: account.address, size: box.size });
          await store.append(account, inbox, data, { internalDate: Date.UTC(2024, 0, 1) + n * 60_000 });
          if (++done % 5000 === 0) onProgress?.(done);
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
    }
  } finally {
    ctx.close();
  }
}

export class OurStack implements Stack {
  readonly name = 'ours' as const;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    private readonly ports: Record<string, number>,
  ) {}

  static async start(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<OurStack> {
    const args = ['--data', dataDir, '--listen', '127.0.0.1', '--hostname', 'ours.bench.test'];
    for (const name of ['smtp', 'submission', 'imap']) args.push(`--${name}-port`, '0');
    for (const name of ['smtps', 'imaps', 'pop3', 'pop3s', 'http', 'https', 'admin']) args.push(`--${name}-port`, 'off');
    const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), BIN, 'serve', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own session, as a daemon runs (and as Postfix's master puts itself): with the
      // kernel's autogroup scheduling a session shares the CPU as one group, so under load the
      // server must not share a group with the bench's own clients.
      detached: true,
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout! });
    const ports = await new Promise<Record<string, number>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mailserver serve not ready: ${stderr}`)), 60_000);
      lines.on('line', (line) => {
        if (line.startsWith('{"ready":true')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { ports: Record<string, number> }).ports);
        }
      });
      child.once('exit', (code) => reject(new Error(`mailserver serve exited (${code}): ${stderr}`)));
    });
    return new OurStack(child, dataDir, ports);
  }

  get smtp() {
    return { host: '127.0.0.1', port: this.ports.smtp! };
  }

  get submit() {
    return { host: '127.0.0.1', port: this.ports.submission!, auth: true };
  }

  get imap() {
    return { host: '127.0.0.1', port: this.ports.imap! };
  }

  maildir(localPart: string): string {
    return join(this.dataDir, 'mail', DOMAIN, localPart);
  }

  pids(): number[] {
    return this.child.pid && this.child.exitCode === null ? processTree(this.child.pid) : [];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
