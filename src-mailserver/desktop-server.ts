// The server process of the desktop app: started by the Electron main process with
// utilityProcess.fork (or, in tests, a Node fork), it runs the mail server and carries the
// AdminApi over the parent port: {type:'call', id, method, params} in, {type:'response', id,
// response} and {type:'event', event} out, {type:'ready', ports} once listening, {type:'stop'}
// to stop gracefully. Listeners that cannot start (a low port without permission) do not stop
// the rest; the UI shows why and how to fix it. Never imports electron.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AdminEvent } from './admin/contract.js';
import { loadConfig } from './config/config.js';
import { prepareDataDir } from './config/data-dir.js';
import { createServerLog } from './log/logger.js';
import { createDesktopSecretStore } from './secrets/keychain-secret-store.js';
import { ServerRunner } from './server-runner.js';
import type { MailService } from './service.js';

/** Electron's process.parentPort in a utility process, or a Node fork's IPC channel. */
interface ParentPort {
  on(listener: (message: unknown) => void): void;
  post(message: unknown): void;
}

function parentPort(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: { on(e: 'message', l: (m: { data: unknown }) => void): void; postMessage(m: unknown): void } }).parentPort;
  if (electronPort) return { on: (l) => electronPort.on('message', (m) => l(m.data)), post: (m) => electronPort.postMessage(m) };
  if (process.send) return { on: (l) => process.on('message', l), post: (m) => process.send!(m) };
  throw new Error('desktop-server must be started by the desktop app (no parent port)');
}

async function main(): Promise<void> {
  const port = parentPort();
  const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { data: { type: 'string' }, 'log-level': { type: 'string' } } });
  if (!values.data) throw new Error('--data DIR is required');
  const dataDir = prepareDataDir(values.data);
  const overrides = values['log-level'] ? { log: { level: values['log-level'] as 'info' } } : {};
  const config = loadConfig(dataDir, overrides);
  const serverLog = createServerLog({ logDir: join(dataDir, 'logs'), level: config.log.level });
  const logger = serverLog.logger;
  const secrets = await createDesktopSecretStore(dataDir);
  logger.info({ component: 'secrets', kind: secrets.kind, reason: secrets.reason }, secrets.kind === 'keychain' ? 'secrets in the system keychain' : 'secrets in a private file');

  let unsubscribe: (() => void) | null = null;
  const attach = (service: MailService) => {
    unsubscribe?.();
    unsubscribe = service.admin!.hub.subscribe((event: AdminEvent) => port.post({ type: 'event', event }));
    port.post({ type: 'ready', ports: service.ports });
  };
  const runner = new ServerRunner({
    dataDir,
    overrides,
    logger,
    ring: serverLog.ring,
    mode: 'desktop',
    adminToken: process.env.MAILSERVER_ADMIN_TOKEN || undefined,
    tolerateListenErrors: true,
    secrets: secrets.store,
    onStarted: attach,
    onFatal: () => {
      serverLog.flush();
      process.exit(1);
    },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await runner.stop();
    } finally {
      serverLog.flush();
      process.exit(code);
    }
  };
  port.on((message) => {
    const m = message as { type?: string; id?: number; method?: unknown; params?: unknown };
    if (m?.type === 'stop') void stop(0);
    else if (m?.type === 'call' && typeof m.id === 'number') {
      const id = m.id;
      let service: MailService;
      try {
        service = runner.current;
      } catch {
        port.post({ type: 'response', id, response: { ok: false, error: { code: 'server_unavailable', message: 'The mail server is restarting.' } } });
        return;
      }
      void service.admin!.dispatcher.call(m.method, m.params).then((response) => port.post({ type: 'response', id, response }));
    }
  });
  process.on('SIGTERM', () => void stop(0));
  process.on('disconnect', () => void stop(0));
  await runner.start(config);
  serverLog.flush();
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  try {
    parentPort().post({ type: 'fatal', message });
  } catch {
    /* no parent */
  }
  process.stderr.write(`homemail server: ${message}\n`);
  process.exit(1);
});
