// A real authoritative DNS server (Knot DNS) on a loopback address for tests: one zone file per
// zone, loaded as given; `setZones` rewrites them and reloads. Stopped when the test ends.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { makeTempDir } from './temp-dir.js';
import { run } from './processes.js';

/** A port free for both TCP and UDP on `address`. */
export async function freePort(address: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const tcp = createServer();
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(0, address, () => resolve());
    });
    const port = (tcp.address() as { port: number }).port;
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, address, () => resolve(true));
    });
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (ok) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (ok) return port;
  }
  throw new Error(`no free port on ${address}`);
}

export interface KnotServer {
  address: string;
  port: number;
  /** `ADDR:PORT`, as `--dns` and createResolver take it. */
  server: string;
  dir: string;
  /** Replace zone files (same zone names as at start) and reload them. */
  setZones(zones: Record<string, string>): Promise<void>;
  log(): Promise<string>;
}

/** Minimal SOA + NS header for a test zone. */
export function zoneHeader(zone: string, nsAddress: string, serial = 1): string {
  return `$ORIGIN ${zone}.\n$TTL 60\n@ SOA ns.${zone}. hostmaster.${zone}. ${serial} 3600 900 604800 60\n@ NS ns.${zone}.\nns A ${nsAddress}\n`;
}

/** `t` is a test (its after) or any object with an `after` that runs at the end (the file's `after`). */
export async function startKnot(t: Pick<TestContext, 'after'>, address: string, zones: Record<string, string>): Promise<KnotServer> {
  const temp = await makeTempDir('knot-');
  const dir = temp.path;
  await Promise.all(['run', 'db', 'zones'].map((d) => mkdir(join(dir, d))));
  const port = await freePort(address);
  const conf = join(dir, 'knot.conf');
  await writeFile(
    conf,
    [
      'server:',
      `    listen: ${address}@${port}`,
      `    rundir: ${dir}/run`,
      'database:',
      `    storage: ${dir}/db`,
      'template:',
      '  - id: default',
      `    storage: ${dir}/zones`,
      '    file: "%s.zone"',
      'zone:',
      ...Object.keys(zones).map((z) => `  - domain: ${z}`),
      '',
    ].join('\n'),
  );
  const writeZones = (zs: Record<string, string>) => Promise.all(Object.entries(zs).map(([z, text]) => writeFile(join(dir, 'zones', `${z}.zone`), text)));
  await writeZones(zones);
  const logFile = join(dir, 'knot.log');
  const { openSync } = await import('node:fs');
  const fd = openSync(logFile, 'a');
  const child = spawn('knotd', ['-c', conf], { stdio: ['ignore', fd, fd] });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await temp.remove();
  });
  const knot: KnotServer = {
    address,
    port,
    server: `${address}:${port}`,
    dir,
    async setZones(zs) {
      await writeZones(zs);
      const r = await run('knotc', ['-c', conf, 'zone-reload'], { timeoutMs: 10_000 });
      if (r.code !== 0) throw new Error(`knotc zone-reload failed: ${r.stdout} ${r.stderr}`);
      await waitForZones(knot, Object.keys(zs));
    },
    log: () => readFile(logFile, 'utf8'),
  };
  await waitForZones(knot, Object.keys(zones));
  return knot;
}

/** Wait until every zone answers its SOA (knot loads zones after it starts listening). */
async function waitForZones(knot: KnotServer, zones: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (const zone of zones) {
    for (;;) {
      const r = await run('dig', ['+short', '+time=1', '+tries=1', `@${knot.address}`, '-p', String(knot.port), zone, 'SOA'], { timeoutMs: 5000 });
      if (r.code === 0 && r.stdout.trim()) break;
      if (Date.now() > deadline) throw new Error(`knot did not load ${zone}: ${await knot.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
