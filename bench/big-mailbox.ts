// Workload: one large mailbox (100,000 messages, the same files in both stacks). One session,
// timed command by command: SELECT INBOX, UID FETCH 1:* (FLAGS), UID SEARCH FROM (a header
// field; 1 message in 50 matches) and SEARCH BODY on a word 1 message in 1,000 has (a full scan
// of the bodies). Each command is repeated a few times per round (their median counts). A warm-up
// pass first lets each server build what it builds on first access (Dovecot's index and cache),
// so the rounds compare warm servers. Milliseconds per command.
import { ImapClient } from './support/imap-client.js';
import { RARE_EVERY, RARE_WORD, senderOf, SENDERS } from './support/messages.js';
import { alternate, type BenchContext } from './context.js';
import { median, result, type WorkloadResult } from './report.js';
import { DOMAIN, PASSWORD, type Stack } from './stack.js';

// Each command runs `reps` times in a row within a round; the round's figure is their median.
const COMMANDS = [
  { key: 'select', label: 'SELECT', text: 'SELECT INBOX', reps: 5, expect: (n: number) => n },
  { key: 'fetch-flags', label: 'UID FETCH 1:* (FLAGS)', text: 'UID FETCH 1:* (FLAGS)', reps: 3, expect: (n: number) => n },
  { key: 'search-header', label: 'UID SEARCH FROM', text: `UID SEARCH FROM "${senderOf(7)}"`, reps: 3, expect: (n: number) => Math.floor(n / SENDERS) },
  { key: 'search-body', label: 'SEARCH BODY (full scan)', text: `UID SEARCH BODY "${RARE_WORD}"`, reps: 1, expect: (n: number) => Math.floor(n / RARE_EVERY) },
] as const;

type Timings = Record<(typeof COMMANDS)[number]['key'], number>;

function countOf(kind: string, lines: string[], untagged: number): number {
  if (kind === 'select') {
    const exists = lines.map((l) => /^\* (\d+) EXISTS/i.exec(l)).find(Boolean);
    return exists ? Number(exists[1]) : -1;
  }
  if (kind === 'fetch-flags') return untagged;
  const search = lines.find((l) => /^\* SEARCH/i.test(l));
  return search ? search.trim().split(/\s+/).length - 2 : -1;
}

export async function bigMailbox(stack: Stack, user: string, messages: number): Promise<Timings> {
  const client = await ImapClient.connect(stack.imap.host, stack.imap.port);
  try {
    await client.ok(`LOGIN ${user}@${DOMAIN} ${PASSWORD}`);
    const out = {} as Timings;
    for (const c of COMMANDS) {
      const collect = c.key !== 'fetch-flags';
      const times: number[] = [];
      for (let i = 0; i < c.reps; i++) {
        const t0 = performance.now();
        const r = await client.ok(c.text, { collect });
        times.push(performance.now() - t0);
        const got = countOf(c.key, r.lines, r.untagged);
        const want = c.expect(messages);
        if (c.key === 'search-header' ? Math.abs(got - want) > 1 : got !== want) throw new Error(`${stack.name}: ${c.text} gave ${got} results, expected ${want}`);
      }
      out[c.key] = median(times);
    }
    await client.ok('LOGOUT');
    return out;
  } finally {
    client.destroy();
  }
}

export async function bigMailboxWorkloads(ctx: BenchContext): Promise<WorkloadResult[]> {
  const n = ctx.sizes.bigMailbox;
  for (const stack of ctx.stacks) {
    const warm = await bigMailbox(stack, ctx.users.big, n);
    ctx.log(`big mailbox warm-up ${stack.name}: ${JSON.stringify(warm)}`);
  }
  const runs = await alternate(ctx, 'big-mailbox', (stack) => bigMailbox(stack, ctx.users.big, n));
  return COMMANDS.map((c) =>
    result(
      `big-mailbox-${c.key}`,
      `${n.toLocaleString('en')}-message mailbox: ${c.label}`,
      'ms',
      'lower',
      { ours: runs.ours.map((r) => r[c.key]), classic: runs.classic.map((r) => r[c.key]) },
      c.key === 'select' || c.key === 'fetch-flags' ? { target: '≥ 1.0' } : {},
    ),
  );
}
