// An in-process server on 127.0.0.1 with free ports, a temp data dir, one domain and accounts,
// for tests that drive it with real clients over real sockets.
import type { TestContext } from 'node:test';
import { loadConfig, type ConfigInput, type PortName } from '../../src-mailserver/config/config.js';
import { hashPassword } from '../../src-mailserver/auth/passwords.js';
import { addDomainWithKeys } from '../../src-mailserver/directory/provisioning.js';
import { DomainTable } from '../../src-mailserver/directory/domains.js';
import { createServerLog, type ServerLog } from '../../src-mailserver/log/logger.js';
import { MailService, type ServiceOptions } from '../../src-mailserver/service.js';
import { makeTempDir } from './temp-dir.js';

export interface TestServerOptions {
  /** Listeners to start on free ports; every other port is off. */
  listeners?: PortName[];
  domains?: string[];
  /** address → password */
  accounts?: Record<string, string>;
  config?: ConfigInput;
  /** An existing data dir (for restart tests); otherwise a fresh temp dir. */
  dataDir?: string;
  /** Extra MailService options (secret store, trusted CA certificates, a clock the test moves). */
  service?: Pick<ServiceOptions, 'secrets' | 'trustedCa' | 'requestRestart' | 'now'>;
}

export interface TestServer {
  service: MailService;
  dataDir: string;
  ports: Partial<Record<PortName, number>>;
  log: ServerLog;
  stop(): Promise<void>;
}

const passwordHashes = new Map<string, Promise<string>>();

/** argon2 is slow on purpose; tests reuse one hash per distinct password. */
export function testHash(password: string): Promise<string> {
  let h = passwordHashes.get(password);
  if (!h) passwordHashes.set(password, (h = hashPassword(password)));
  return h;
}

export async function startTestServer(t: TestContext | null, options: TestServerOptions = {}): Promise<TestServer> {
  const temp = options.dataDir ? null : await makeTempDir();
  const dataDir = options.dataDir ?? temp!.path;
  const listeners = options.listeners ?? ['smtp'];
  const ports: ConfigInput['ports'] = {
    smtp: null,
    submission: null,
    smtps: null,
    imap: null,
    imaps: null,
    pop3: null,
    pop3s: null,
    http: null,
    https: null,
    admin: null,
  };
  for (const l of listeners) ports[l] = 0;
  const config = loadConfig(dataDir, {
    hostname: 'mail.example.test',
    listen: '127.0.0.1',
    ...options.config,
    ports: { ...ports, ...options.config?.ports },
  });
  const log = createServerLog({ stdout: false, level: process.env.TEST_LOG_LEVEL ?? 'info' });
  const service = await MailService.start({ dataDir, config, logger: log.logger, ring: log.ring, ...options.service });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await service.stop();
    await temp?.remove();
  };
  t?.after(stop);
  const { directory } = service;
  for (const domain of options.domains ?? ['example.test']) {
    const name = DomainTable.parse(domain);
    if (!directory.domains.get(name)) addDomainWithKeys(directory, name);
  }
  for (const [address, password] of Object.entries(options.accounts ?? {})) {
    if (!directory.accounts.get(address)) {
      const account = directory.accounts.add({ address, passwordHash: await testHash(password) });
      await service.store.delivery.ensureAccount(account);
    }
  }
  return { service, dataDir, ports: service.ports, log, stop };
}
