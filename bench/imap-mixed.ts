// Workload: IMAP mixed load. C concurrent clients, each looping over a whole session for a fixed
// time: LOGIN, SELECT INBOX, UID FETCH 1:* (FLAGS), UID FETCH of 5 random messages
// (BODY.PEEK[]), UID SEARCH FROM a sender, UID STORE ±\Flagged on a random message, LOGOUT.
// Clients spread over 10 seeded mailboxes. Operations (commands answered OK) per second; a NO or
// BAD fails the run.
import { ImapClient } from './support/imap-client.js';
import { prng, SENDERS, senderOf } from './support/messages.js';
import { alternate, type BenchContext } from './context.js';
import { result, type WorkloadResult } from './report.js';
import { DOMAIN, PASSWORD, type Stack } from './stack.js';

export interface MixedSpec {
  clients: number;
  seconds: number;
  mailboxes: string[];
  /** Messages in each mailbox (UIDs 1..n). */
  messages: number;
  seed: number;
}

export async function imapMixed(stack: Stack, spec: MixedSpec): Promise<{ opsPerSecond: number; ops: number; cycles: number }> {
  let ops = 0;
  let cycles = 0;
  const started = performance.now();
  const end = started + spec.seconds * 1000;
  const count = () => {
    if (performance.now() <= end) ops++;
  };
  const clientLoop = async (c: number) => {
    const rand = prng(spec.seed * 1000 + c);
    const pick = () => 1 + Math.floor(rand() * spec.messages);
    const user = spec.mailboxes[c % spec.mailboxes.length]!;
    while (performance.now() < end) {
      const client = await ImapClient.connect(stack.imap.host, stack.imap.port);
      try {
        await client.ok(`LOGIN ${user}@${DOMAIN} ${PASSWORD}`);
        count();
        await client.ok('SELECT INBOX');
        count();
        const flags = await client.ok('UID FETCH 1:* (FLAGS)');
        if (flags.untagged < spec.messages) throw new Error(`${stack.name}: FETCH FLAGS returned ${flags.untagged} of ${spec.messages}`);
        count();
        const uids = [...new Set(Array.from({ length: 5 }, pick))].sort((a, b) => a - b);
        const bodies = await client.ok(`UID FETCH ${uids.join(',')} (BODY.PEEK[])`);
        if (bodies.untagged < uids.length) throw new Error(`${stack.name}: FETCH BODY returned ${bodies.untagged} of ${uids.length}`);
        count();
        await client.ok(`UID SEARCH FROM "${senderOf(Math.floor(rand() * SENDERS))}"`);
        count();
        await client.ok(`UID STORE ${pick()} ${rand() < 0.5 ? '+' : '-'}FLAGS.SILENT (\\Flagged)`);
        count();
        await client.ok('LOGOUT');
        count();
        cycles++;
      } finally {
        client.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: spec.clients }, (_, c) => clientLoop(c)));
  return { opsPerSecond: ops / spec.seconds, ops, cycles };
}

export async function imapMixedWorkloads(ctx: BenchContext): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];
  for (const clients of [10, 50]) {
    const name = `imap-mixed-${clients}-clients`;
    const runs = await alternate(ctx, name, (stack, round) =>
      imapMixed(stack, { clients, seconds: ctx.sizes.mixedSeconds, mailboxes: ctx.users.mixed, messages: ctx.sizes.mixedMailbox, seed: round + clients }),
    );
    results.push(
      result(
        name,
        `IMAP mixed load, ${clients} clients, ${ctx.sizes.mixedSeconds} s`,
        'ops/s',
        'higher',
        { ours: runs.ours.map((r) => r.opsPerSecond), classic: runs.classic.map((r) => r.opsPerSecond) },
        { target: '≥ 1.0' },
      ),
    );
  }
  return results;
}
