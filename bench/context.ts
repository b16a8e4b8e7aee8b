// What a workload gets from the runner: both stacks, the number of rounds, sizes (smaller with
// --quick), the users, fresh ingest mailboxes per stack, and alternate(), which runs a
// measurement on both stacks round after round, changing which one goes first each round.
import type { benchUsers, MailboxPool, Stack } from './stack.js';

export interface BenchContext {
  stacks: Stack[];
  rounds: number;
  quick: boolean;
  pools: Map<Stack, MailboxPool>;
  users: ReturnType<typeof benchUsers>;
  /** Sizes that depend on --quick. */
  sizes: { bigMailbox: number; mixedMailbox: number; mixedSeconds: number; idleConnections: number };
  log(text: string): void;
}

/** Run `fn` on every stack, `rounds` times, alternating which stack goes first. */
export async function alternate<T>(ctx: BenchContext, label: string, fn: (stack: Stack, round: number) => Promise<T>): Promise<Record<Stack['name'], T[]>> {
  const out: Record<Stack['name'], T[]> = { ours: [], classic: [] };
  for (let round = 0; round < ctx.rounds; round++) {
    const order = round % 2 === 0 ? ctx.stacks : [...ctx.stacks].reverse();
    for (const stack of order) {
      const value = await fn(stack, round);
      ctx.log(`${label} round ${round + 1} ${stack.name}: ${JSON.stringify(value)}`);
      out[stack.name].push(value);
    }
  }
  return out;
}

