// `mailserver serve`: run the server in the foreground. Flags override DATA/config.json for this
// run. Prints one JSON line `{"ready":true,"ports":{...},"admin":URL}` once every listener is up
// (again after a restart asked for by the admin UI), and the admin UI's address with its token on
// stderr; SIGTERM or SIGINT stops accepting, lets transactions in flight finish and exits 0
// within 10 s.
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newAdminToken } from '../admin/http-transport.js';
import { loadConfig, PORT_NAMES, type ConfigInput, type PortName } from '../config/config.js';
import { defaultDataDir, prepareDataDir } from '../config/data-dir.js';
import { createServerLog } from '../log/logger.js';
import { ServerRunner } from '../server-runner.js';
import { UsageError, type CliIo } from './io.js';

export const SERVE_USAGE = `usage: mailserver serve [--data DIR] [--hostname NAME] [--listen ADDR] [--dns HOST[:PORT]]
       [--public-ip ADDR] [--log-level LEVEL] [--<name>-port N|off] for smtp, submission, smtps,
       imap, imaps, pop3, pop3s, http, https, admin
       [--admin-listen ADDR [--admin-remote]]   (admin UI address; not loopback needs --admin-remote, served over TLS)`;

const portOptions = Object.fromEntries(PORT_NAMES.map((n) => [`${n}-port`, { type: 'string' as const }])) as Record<
  `${PortName}-port`,
  { type: 'string' }
>;

function parsePort(name: string, text: string): number | null {
  if (text === 'off') return null;
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`--${name} must be a port number (0-65535) or "off"`);
  return Number(text);
}

export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      hostname: { type: 'string' },
      listen: { type: 'string' },
      dns: { type: 'string' },
      'public-ip': { type: 'string' },
      'log-level': { type: 'string' },
      'admin-listen': { type: 'string' },
      'admin-remote': { type: 'boolean' },
      ...portOptions,
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const dataDir = prepareDataDir(values.data ?? defaultDataDir());
  const ports: Partial<Record<PortName, number | null>> = {};
  for (const name of PORT_NAMES) {
    const text = values[`${name}-port`];
    if (text !== undefined) ports[name] = parsePort(`${name}-port`, text);
  }
  const overrides: ConfigInput = {
    hostname: values.hostname,
    listen: values.listen,
    dns: values.dns,
    publicIp: values['public-ip'],
    ports,
    log: values['log-level'] ? { level: values['log-level'] as 'info' } : undefined,
    admin: values['admin-listen'] !== undefined || values['admin-remote'] ? { listen: values['admin-listen'], remote: values['admin-remote'] } : undefined,
  };
  const config = loadConfig(dataDir, overrides);
  const serverLog = createServerLog({ logDir: join(dataDir, 'logs'), level: config.log.level });
  const logger = serverLog.logger;
  // One token for the whole process, so an open admin page survives a restart.
  const adminToken = io.env.MAILSERVER_ADMIN_TOKEN || newAdminToken();

  const runner = new ServerRunner({
    dataDir,
    overrides,
    logger,
    ring: serverLog.ring,
    mode: 'headless',
    adminToken,
    onStarted(started) {
      serverLog.flush();
      writeSync(1, JSON.stringify({ ready: true, ports: started.ports, ...(started.admin?.url ? { admin: started.admin.url } : {}) }) + '\n');
      if (started.admin?.url) io.stderr.write(`Admin UI: ${started.admin.url}\n`);
    },
    onFatal() {
      serverLog.flush();
      process.exit(1);
    },
  });

  try {
    await runner.start(config);
  } catch (err) {
    logger.fatal({ err }, 'server did not start');
    serverLog.flush();
    // A port that needs privileges comes with the ways to fix it, on several lines.
    if ((err as NodeJS.ErrnoException).code === 'EACCES') {
      io.stderr.write(`mailserver serve: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }

  return new Promise<number>((resolve) => {
    let exiting = false;
    const shutdown = (signal: string) => {
      if (exiting) return;
      exiting = true;
      logger.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        serverLog.flush();
        resolve(0);
      }, 9500);
      deadline.unref();
      void runner.stop().then(
        () => {
          clearTimeout(deadline);
          serverLog.flush();
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'error while stopping');
          serverLog.flush();
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}
