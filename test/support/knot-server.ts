// A private authoritative DNS server (knot) for test zones on a fixed loopback address and a free
// port: MX, A, TXT records pointing mail at 127.0.x.y peers. Zones can be changed while it runs
// (rewrite + `knotc zone-reload`). Stopped when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { run } from './processes.js';
import { makeTempDir } from './temp-dir.js';

export interface KnotServer {
  /** `ADDRESS:PORT`, for `--dns` / config.dns. */
  server: string;
  address: string;
  port: number;
  /** Replace a zone's records (lines relative to the zone origin) and reload it. */
  setZone(name: string, records: string[]): Promise<void>;
  stop(): Promise<void>;
}

async function freeUdpPort(address: string): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, address);
  await once(socket, 'listening');
  const port = socket.address().port;
  socket.close();
  return port;
}

/** Split a long TXT value into 255-byte strings (RFC 1035 §3.3.14) in zone-file syntax. */
export function txt(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 250) parts.push(`"${value.slice(i, i + 250).replace(/(["\\])/g, '\\$1')}"`);
  return `TXT ( ${parts.join(' ')} )`;
}

function zoneText(name: string, records: string[], serial: number): string {
  return [
    `$ORIGIN ${name}.`,
    '$TTL 1',
    `@ SOA ns.${name}. hostmaster.${name}. ${serial} 3600 600 86400 1`,
    `@ NS ns.${name}.`,
    ...records,
    '',
  ].join('\n');
}

export async function startKnot(t: TestContext | null, address: string, zones: Record<string, string[]>): Promise<KnotServer> {
  const dir = await makeTempDir('knot-');
  const port = await freeUdpPort(address);
  const conf = join(dir.path, 'knot.conf');
  await mkdir(join(dir.path, 'zones'));
  await mkdir(join(dir.path, 'run'));
  await mkdir(join(dir.path, 'db'));
  let serial = 1;
  const write = (name: string, records: string[]) => writeFile(join(dir.path, 'zones', `${name}.zone`), zoneText(name, records, serial++));
  for (const [name, records] of Object.entries(zones)) await write(name, records);
  await writeFile(
    conf,
    [
      'server:',
      `    listen: ${address}@${port}`,
      `    rundir: ${join(dir.path, 'run')}`,
      'database:',
      `    storage: ${join(dir.path, 'db')}`,
      'template:',
      '  - id: default',
      `    storage: ${join(dir.path, 'zones')}`,
      '    file: "%s.zone"',
      'zone:',
      ...Object.keys(zones).map((z) => `  - domain: ${z}`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('knotd', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`${address}:${port}`]);
  const first = Object.keys(zones)[0]!;
  let up = false;
  for (let i = 0; i < 100 && !up && child.exitCode === null; i++) {
    try {
      await resolver.resolveNs(first);
      up = true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`knotd did not start on ${address}:${port}: ${stderr}`);
  }
  let stopped = false;
  const server: KnotServer = {
    server: `${address}:${port}`,
    address,
    port,
    async setZone(name, records) {
      await write(name, records);
      const r = await run('knotc', ['-c', conf, 'zone-reload', name]);
      if (r.code !== 0) throw new Error(`knotc zone-reload failed: ${r.stderr}${r.stdout}`);
      // Wait until the new serial is served.
      const want = serial - 1;
      for (let i = 0; i < 100; i++) {
        const soa = await resolver.resolveSoa(name).catch(() => null);
        if (soa && soa.serial >= want) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`zone ${name} was not reloaded`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await dir.remove();
    },
  };
  t?.after(() => server.stop());
  return server;
}
