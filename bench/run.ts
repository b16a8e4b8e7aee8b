// `npm run bench`: our server against Postfix + Dovecot on this machine, in one run. Starts both
// stacks side by side (classic-stack.ts, our-stack.ts), runs each workload against both,
// alternating which goes first, for several rounds, and reports medians and ratios (report.ts).
//   npm run bench -- [--quick] [--rounds N] [--only smtp,imap,big,outbound,memory] [--no-write]
//                    [--keep] [--workdir DIR] [--stack ours|classic]
// --quick runs smaller sizes and 1 round (a smoke run); results are written only for full runs
// unless --write is given. --stack measures one stack only (for profiling; no ratios). Needs root (Postfix's master) and `npm run bench:setup`.
import { chmod, mkdtemp, rm, mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../src-mailserver/auth/passwords.js';
import { ClassicStack } from './classic-stack.js';
import { OurStack, provisionOurs, type SeedMailbox } from './our-stack.js';
import { machineInfo, table, writeReport, type RunInfo, type WorkloadResult } from './report.js';
import { allLocalParts, benchUsers, DOMAIN, MailboxPool, PASSWORD, type Stack } from './stack.js';
import { runOk } from './support/proc.js';
import { smtpIngestWorkloads } from './smtp-ingest.js';
import type { BenchContext } from './context.js';
import { memoryWorkloads, idleMemory } from './memory.js';
import { imapMixedWorkloads } from './imap-mixed.js';
import { bigMailboxWorkloads } from './big-mailbox.js';
import { outboundWorkloads, startSink } from './outbound.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GROUPS = ['smtp', 'imap', 'big', 'outbound', 'memory'] as const;
type Group = (typeof GROUPS)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
      keep: { type: 'boolean' },
      stack: { type: 'string' },
      workdir: { type: 'string' },
    },
  });
  if (process.getuid?.() !== 0) throw new Error('the bench runs Postfix and Dovecot private instances and needs root');
  const quick = values.quick === true;
  const rounds = values.rounds ? Number(values.rounds) : quick ? 1 : 3;
  const groups = new Set<Group>(values.only ? (values.only.split(',') as Group[]) : GROUPS);
  for (const g of groups) if (!GROUPS.includes(g)) throw new Error(`unknown workload group ${g} (${GROUPS.join(', ')})`);
  const write = values['no-write'] ? false : values.write === true || (!quick && !values.only);
  const started = Date.now();
  const loadBefore = loadavg();
  const log = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s] ${text}`);

  const postfixVersion = (await runOk('postconf', ['-d', '-h', 'mail_version'])).trim();
  const dovecotVersion = (await runOk('dovecot', ['--version'])).trim();
  const work = values.workdir ?? (await mkdtemp(join(tmpdir(), 'homemail-bench-')));
  await chmod(work, 0o755); // the classic stack's daemons run as other users

  const sizes = quick
    ? { bigMailbox: 10_000, mixedMailbox: 300, mixedSeconds: 5, idleConnections: 200 }
    : { bigMailbox: 100_000, mixedMailbox: 1_000, mixedSeconds: 20, idleConnections: 1_000 };
  const users = benchUsers(10 * 3 * rounds + 10);
  const seed: SeedMailbox[] = [];
  if (groups.has('imap')) for (const user of users.mixed) seed.push({ user, count: sizes.mixedMailbox, size: 6_000 });
  if (groups.has('big')) seed.push({ user: users.big, count: sizes.bigMailbox, size: 4_000 });
  for (const user of users.idle) seed.push({ user, count: 20, size: 4_000 });

  const stacks: Stack[] = [];
  let sink: Awaited<ReturnType<typeof startSink>> | null = null;
  // The servers run in sessions of their own (no terminal's Ctrl-C reaches them): stop them here.
  const interrupted = (signal: string) => {
    console.error(`${signal}: stopping both stacks`);
    void Promise.allSettled([...stacks.map((s) => s.stop()), sink?.stop()]).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const dataDir = join(work, 'ours', 'data');
    const local = allLocalParts(users);
    // With --workdir, a data dir provisioned for the same users and seed is reused (development).
    const marker = join(work, 'ours', 'provisioned.json');
    const fingerprint = JSON.stringify({ local, seed });
    const prior = (await readFile(marker, 'utf8').then(JSON.parse, () => null)) as { fingerprint: string; hash: string } | null;
    let hash: string;
    if (prior && prior.fingerprint === fingerprint) {
      hash = prior.hash;
      log(`work dir ${work}; reusing the provisioned data dir`);
    } else {
      log(`work dir ${work}; provisioning our data dir and seeding ${seed.reduce((n, s) => n + s.count, 0)} messages through our store`);
      hash = await hashPassword(PASSWORD);
      await rm(join(work, 'ours'), { recursive: true, force: true });
      await rm(join(work, 'classic'), { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
      await provisionOurs(dataDir, local, hash, seed, (n) => log(`seeded ${n}`));
      await writeFile(marker, JSON.stringify({ fingerprint, hash }));
    }
    if (groups.has('outbound')) sink = await startSink(join(work, 'sink'));
    if (values.stack !== 'classic') {
      log('starting our server');
      stacks.push(await OurStack.start(dataDir));
    }
    if (values.stack !== 'ours') {
      log('starting Postfix + Dovecot (copying the seeded Maildirs)');
      const seeded = new Map(seed.map((s) => [s.user, join(dataDir, 'mail', DOMAIN, s.user)]));
      await rm(join(work, 'classic'), { recursive: true, force: true });
      await mkdir(join(work, 'classic'));
      stacks.push(await ClassicStack.start(join(work, 'classic'), local, hash, seeded));
    }

    const ctx: BenchContext = {
      stacks,
      rounds,
      quick,
      pools: new Map(stacks.map((s) => [s, new MailboxPool(users.ingest)])),
      users,
      sizes,
      log,
    };
    const results: WorkloadResult[] = [];
    const show = (r: WorkloadResult[]) => {
      results.push(...r);
      console.log('\n' + table(r) + '\n');
    };
    if (groups.has('memory')) show([...(await idleMemory(ctx)), ...(await memoryWorkloads(ctx, true))]);
    if (groups.has('smtp')) show(await smtpIngestWorkloads(ctx));
    if (groups.has('imap')) show(await imapMixedWorkloads(ctx));
    if (groups.has('big')) show(await bigMailboxWorkloads(ctx));
    if (groups.has('outbound') && sink) show(await outboundWorkloads(ctx, sink));
    if (groups.has('memory')) show(await memoryWorkloads(ctx));

    console.log('\nAll results (medians; ratio above 1 = ours better):\n' + table(results) + '\n');
    const info: RunInfo = {
      date: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
      machine: machineInfo(postfixVersion, dovecotVersion),
      loadBefore,
      loadAfter: loadavg(),
      rounds,
      quick,
      durationSeconds: (Date.now() - started) / 1000,
    };
    if (write) {
      await writeReport(join(ROOT, 'docs', 'benchmarks.json'), join(ROOT, 'docs', 'benchmarks.md'), info, results);
      log('wrote docs/benchmarks.json and docs/benchmarks.md');
    }
  } finally {
    for (const s of stacks) await s.stop().catch((err: unknown) => console.error(`stopping ${s.name}: ${String(err)}`));
    await sink?.stop();
    if (!values.keep && !values.workdir) await rm(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
