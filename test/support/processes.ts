// Child processes for tests: run a command to completion with input, or start the real
// `mailserver serve` and wait for its ready line. Everything started is stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAILSERVER_BIN = `${ROOT}bin/mailserver.js`;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function run(cmd: string, args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/** Run the real `mailserver` command. */
export function mailserver(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return run(process.execPath, [MAILSERVER_BIN, ...args], options);
}

export interface ServerProcess {
  child: ChildProcess;
  ports: Record<string, number>;
  /** Every stdout line seen so far. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `mailserver serve` with the given flags; resolves on its ready line. */
export async function spawnServer(
  t: TestContext | null,
  args: string[],
  /** `command`: the program (and its leading arguments) to run instead of this node, e.g. a setpriv wrapper. */
  options: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number; command?: string[] } = {},
): Promise<ServerProcess> {
  const [program, ...prefix] = options.command ?? [process.execPath];
  const child = spawn(program!, [...prefix, MAILSERVER_BIN, 'serve', ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const rl = createInterface({ input: child.stdout! });
  const ready = new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in time; stderr: ${stderr}`)), options.readyTimeoutMs ?? 30_000);
    rl.on('line', (line) => {
      lines.push(line);
      if (line.startsWith('{"ready":true')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ports: Record<string, number> }).ports);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before ready; stderr: ${stderr}; stdout: ${lines.join('\n')}`));
    });
  });
  const proc: ServerProcess = {
    child,
    ports: {},
    lines,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  t?.after(() => proc.kill('SIGKILL'));
  proc.ports = await ready;
  return proc;
}

/** Standard serve flags for tests: loopback, every port off except those named (port 0). */
export function serveArgs(dataDir: string, listeners: string[], extra: string[] = []): string[] {
  const all = ['smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'http', 'https', 'admin'];
  const args = ['--data', dataDir, '--listen', '127.0.0.1', '--hostname', 'mail.example.test'];
  for (const name of all) args.push(`--${name}-port`, listeners.includes(name) ? '0' : 'off');
  return [...args, ...extra];
}
