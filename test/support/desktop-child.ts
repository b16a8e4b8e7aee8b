// The desktop app's server process without Electron: a Node fork of src-mailserver/desktop-server.ts
// (through tsx) dressed as Electron's UtilityProcess (postMessage, kill, 'message', 'exit'), so
// the supervisor and the app's main-process code run against the real server in tests. Also a
// data directory prepared like the app's, with loopback-only settings.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildHandle } from '../../src-main/server-supervisor.js';
import { ROOT } from './processes.js';

export const DESKTOP_SERVER = join(ROOT, 'src-mailserver', 'desktop-server.ts');

export interface NodeChild extends ChildHandle {
  /** Everything the process wrote to stderr. */
  stderr(): string;
}

export function forkDesktopServer(
  args: string[],
  /** execArgv: [] runs compiled JavaScript without tsx. */
  options: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number; modulePath?: string; execArgv?: string[] } = {},
): NodeChild {
  const child = fork(options.modulePath ?? DESKTOP_SERVER, args, {
    execArgv: options.execArgv ?? ['--import', 'tsx'],
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: '', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    uid: options.uid,
    gid: options.gid,
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const events = new EventEmitter();
  child.on('message', (m) => events.emit('message', m));
  child.on('spawn', () => events.emit('spawn'));
  child.on('exit', (code, signal) => events.emit('exit', code ?? (signal ? null : 0)));
  const handle = {
    get pid() {
      return child.pid;
    },
    postMessage(message: unknown) {
      if (child.connected) child.send(message as never);
    },
    kill() {
      return child.kill('SIGTERM');
    },
    on(event: string, listener: (...args: never[]) => void) {
      events.on(event, listener as (...args: unknown[]) => void);
      return handle;
    },
    stderr: () => stderr,
  };
  return handle as unknown as NodeChild;
}

/** config.json for a desktop data dir in tests: loopback, free ports, no admin HTTP unless asked. */
export function writeDesktopConfig(dataDir: string, extra: Record<string, unknown> = {}, owner?: number): void {
  const ports = { smtp: 0, submission: null, smtps: null, imap: null, imaps: null, pop3: null, pop3s: null, http: null, https: null, admin: null };
  const config = { hostname: 'mail.example.test', listen: '127.0.0.1', ...extra, ports: { ...ports, ...(extra.ports as object | undefined) } };
  const file = join(dataDir, 'config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  if (owner !== undefined) chownSync(file, owner, owner);
}
