// Workload: memory. Resident memory (RSS, summed over every process of a stack; PSS alongside,
// which divides shared pages among the processes that share them) when idle, and with N idle
// IMAP connections (logged in, INBOX selected, in IDLE, as a mail client leaves them). Memory
// during SMTP load is sampled by the ingest workload (smtp-ingest.ts).
import { ImapClient } from './support/imap-client.js';
import { memoryOf, sleep, type Memory } from './support/proc.js';
import type { BenchContext } from './context.js';
import { result, type WorkloadResult } from './report.js';
import { DOMAIN, PASSWORD, type Stack } from './stack.js';

const MB = 1024 ** 2;

async function settledMemory(stack: Stack): Promise<Memory> {
  const samples: Memory[] = [];
  for (let i = 0; i < 3; i++) {
    await sleep(1000);
    samples.push(memoryOf(stack.pids()));
  }
  return samples.sort((a, b) => a.rss - b.rss)[1]!;
}

/** Memory of both stacks at rest (run first, before any load). */
export async function idleMemory(ctx: BenchContext): Promise<WorkloadResult[]> {
  await sleep(2000);
  const m = new Map<Stack['name'], Memory>();
  for (const stack of ctx.stacks) {
    m.set(stack.name, await settledMemory(stack));
    ctx.log(`memory idle ${stack.name}: ${JSON.stringify(m.get(stack.name))}`);
  }
  const ours = m.get('ours')!;
  const classic = m.get('classic')!;
  return [
    result('memory-idle', 'Memory idle, RSS', 'MB', 'lower', { ours: [ours.rss / MB], classic: [classic.rss / MB] }, {
      notes: `PSS ours ${(ours.pss / MB).toFixed(0)} MB, classic ${(classic.pss / MB).toFixed(0)} MB over ${classic.processes} processes`,
    }),
  ];
}

async function openIdle(stack: Stack, user: string): Promise<{ client: ImapClient; done: () => Promise<unknown> }> {
  const client = await ImapClient.connect(stack.imap.host, stack.imap.port);
  await client.ok(`LOGIN ${user}@${DOMAIN} ${PASSWORD}`);
  await client.ok('SELECT INBOX');
  const idle = await client.idle();
  return { client, done: idle.done };
}

export async function idleConnections(ctx: BenchContext, stack: Stack, count: number): Promise<Memory> {
  const open: { client: ImapClient; done: () => Promise<unknown> }[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (next < count) {
          const i = next++;
          open.push(await openIdle(stack, ctx.users.idle[i % ctx.users.idle.length]!));
        }
      }),
    );
    await sleep(2000);
    return await settledMemory(stack);
  } finally {
    await Promise.all(open.map(async (c) => {
      await Promise.race([c.done(), sleep(5000)]).catch(() => undefined);
      await c.client.logout();
    }));
    await sleep(2000); // let per-connection processes exit
  }
}

/**
 * Memory with many idle IMAP connections, once per stack: `fresh` right after start (what the
 * connections themselves cost), else after the other workloads (what a server that has worked holds).
 */
export async function memoryWorkloads(ctx: BenchContext, fresh = false): Promise<WorkloadResult[]> {
  const n = ctx.sizes.idleConnections;
  const m = new Map<Stack['name'], Memory>();
  for (const stack of ctx.stacks) {
    const before = memoryOf(stack.pids());
    const mem = await idleConnections(ctx, stack, n);
    m.set(stack.name, mem);
    ctx.log(`memory with ${n} idle IMAP connections${fresh ? ' (fresh)' : ''} ${stack.name}: ${JSON.stringify(mem)} (before: ${(before.rss / MB).toFixed(0)} MB)`);
  }
  const ours = m.get('ours')!;
  const classic = m.get('classic')!;
  return [
    result(
      `memory-${n}-idle-imap${fresh ? '-fresh' : ''}`,
      `Memory with ${n.toLocaleString('en')} idle IMAP connections, RSS, ${fresh ? 'just after start' : 'after all the other workloads'}`,
      'MB',
      'lower',
      { ours: [ours.rss / MB], classic: [classic.rss / MB] },
      {
        target: n === 1000 ? 'ours < 200 MB' : undefined,
        notes: `PSS ours ${(ours.pss / MB).toFixed(0)} MB, classic ${(classic.pss / MB).toFixed(0)} MB over ${classic.processes} processes`,
      },
    ),
  ];
}
