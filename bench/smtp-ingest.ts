// Workload: SMTP ingest on the port-25 role. N messages over S parallel sessions (each session
// reuses its connection), spread round-robin over 10 fresh mailboxes. The clock stops only once
// every message is in the Maildir (new/ or cur/); then each file is read back and its Message-ID
// token checked, so a message lost or duplicated fails the run. Messages per second.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeMessage, tokenOf } from './support/messages.js';
import { cpuTimeOf, memoryOf, sleep } from './support/proc.js';
import { SmtpClient } from './support/smtp-client.js';
import { alternate, type BenchContext } from './context.js';
import { median, result, type WorkloadResult } from './report.js';
import { DOMAIN, type Stack } from './stack.js';

export interface IngestSpec {
  messages: number;
  sessions: number;
  size: number;
  /** Fresh mailboxes to deliver into (round-robin). */
  mailboxes: string[];
  /** Distinguishes runs, so tokens are unique across rounds. */
  runId: string;
  /** Sample the stack's memory while it runs. */
  sampleMemory?: boolean;
}

export interface IngestResult {
  perSecond: number;
  seconds: number;
  /** CPU time the stack spent per message (all its processes, user + system). */
  cpuMsPerMessage: number;
  /** Peak RSS (and PSS) summed over the stack's processes, when sampled. */
  peakRss?: number;
  peakPss?: number;
}

async function listMessages(inbox: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['new', 'cur']) {
    try {
      for (const name of await readdir(join(inbox, sub))) if (!name.startsWith('.')) out.push(join(inbox, sub, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}

async function countMessages(stack: Stack, mailboxes: string[]): Promise<number> {
  let n = 0;
  for (const m of mailboxes) n += (await listMessages(stack.maildir(m))).length;
  return n;
}

export async function smtpIngest(stack: Stack, spec: IngestSpec): Promise<IngestResult> {
  const tokens = Array.from({ length: spec.messages }, (_, i) => `${spec.runId}-${i}`);
  const recipients = tokens.map((_, i) => `${spec.mailboxes[i % spec.mailboxes.length]}@${DOMAIN}`);
  const bodies = tokens.map((token, i) => makeMessage({ token, n: i, to: recipients[i]!, size: spec.size }));
  if ((await countMessages(stack, spec.mailboxes)) !== 0) throw new Error('ingest mailboxes are not fresh');

  let peakRss = 0;
  let peakPss = 0;
  let sampling = spec.sampleMemory === true;
  const sampler = (async () => {
    while (sampling) {
      const m = memoryOf(stack.pids());
      peakRss = Math.max(peakRss, m.rss);
      peakPss = Math.max(peakPss, m.pss);
      await sleep(250);
    }
  })();

  const cpuBefore = cpuTimeOf(stack.pids());
  const started = performance.now();
  let next = 0;
  const session = async () => {
    const client = await SmtpClient.connect(stack.smtp.host, stack.smtp.port);
    try {
      while (next < spec.messages) {
        const i = next++;
        await client.send(`sender${i % 50}@senders.test`, [recipients[i]!], bodies[i]!);
      }
    } finally {
      await client.quit();
    }
  };
  await Promise.all(Array.from({ length: spec.sessions }, session));
  const deadline = Date.now() + 600_000;
  let stored = await countMessages(stack, spec.mailboxes);
  while (stored < spec.messages) {
    if (Date.now() > deadline) throw new Error(`${stack.name}: ${stored} of ${spec.messages} messages in the Maildir after 10 minutes`);
    await sleep(20);
    stored = await countMessages(stack, spec.mailboxes);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuTimeOf(stack.pids()) - cpuBefore;
  sampling = false;
  await sampler;

  await verifyDelivered(stack, spec.mailboxes, tokens, spec.size);
  return { perSecond: spec.messages / seconds, seconds, cpuMsPerMessage: cpuMs / spec.messages, ...(spec.sampleMemory ? { peakRss, peakPss } : {}) };
}

/**
 * Every token exactly once across the mailboxes, no file shorter than the message less its CRs
 * (Dovecot stores LF line ends).
 */
async function verifyDelivered(stack: Stack, mailboxes: string[], tokens: string[], size: number): Promise<void> {
  const expected = new Set(tokens);
  const seen = new Set<string>();
  for (const m of mailboxes) {
    for (const file of await listMessages(stack.maildir(m))) {
      const data = await readFile(file);
      const token = tokenOf(data);
      if (token === null || !expected.has(token)) throw new Error(`${stack.name}: unexpected message ${file}`);
      if (seen.has(token)) throw new Error(`${stack.name}: message ${token} delivered twice`);
      if (data.length < size * 0.95) throw new Error(`${stack.name}: message ${token} is truncated (${data.length} bytes)`);
      seen.add(token);
    }
  }
  if (seen.size !== expected.size) throw new Error(`${stack.name}: ${expected.size - seen.size} messages missing`);
}

function cpuNote(runs: IngestResult[]): string {
  return `${median(runs.map((r) => r.cpuMsPerMessage)).toFixed(2)} ms`;
}

/** The three ingest rows of the issue, plus peak memory during the 20-session run. */
export async function smtpIngestWorkloads(ctx: BenchContext): Promise<WorkloadResult[]> {
  const q = ctx.quick;
  const variants = [
    { name: 'smtp-ingest-20-sessions', description: `SMTP ingest, ${q ? '1,000' : '5,000'} × 10 KB, 20 sessions`, messages: q ? 1000 : 5000, sessions: 20, size: 10_240 },
    { name: 'smtp-ingest-1-session', description: `SMTP ingest, ${q ? '500' : '5,000'} × 10 KB, 1 session`, messages: q ? 500 : 5000, sessions: 1, size: 10_240 },
    { name: 'smtp-ingest-1mb', description: `SMTP ingest, ${q ? '50' : '200'} × 1 MB, 20 sessions`, messages: q ? 50 : 200, sessions: 20, size: 1_048_576 },
  ];
  const results: WorkloadResult[] = [];
  let load: Record<Stack['name'], IngestResult[]> | null = null;
  for (const v of variants) {
    const runs = await alternate(ctx, v.name, (stack, round) =>
      smtpIngest(stack, {
        messages: v.messages,
        sessions: v.sessions,
        size: v.size,
        mailboxes: ctx.pools.get(stack)!.take(10),
        runId: `${v.name}-${round}`,
        sampleMemory: v.sessions === 20 && v.size < 100_000,
      }),
    );
    if (v.name === 'smtp-ingest-20-sessions') load = runs;
    results.push(
      result(v.name, v.description, 'msg/s', 'higher', { ours: runs.ours.map((r) => r.perSecond), classic: runs.classic.map((r) => r.perSecond) }, {
        target: '≥ 2.0',
        notes: `CPU time per message (all processes of the stack): ours ${cpuNote(runs.ours)}, classic ${cpuNote(runs.classic)}`,
      }),
    );
  }
  if (load) {
    const mb = (x: number) => x / 1024 ** 2;
    results.push(
      result(
        'memory-smtp-load',
        'Memory during SMTP ingest (20 sessions), peak RSS',
        'MB',
        'lower',
        { ours: load.ours.map((r) => mb(r.peakRss!)), classic: load.classic.map((r) => mb(r.peakRss!)) },
        { notes: `peak PSS ours ${mb(median(load.ours.map((r) => r.peakPss!))).toFixed(0)} MB, classic ${mb(median(load.classic.map((r) => r.peakPss!))).toFixed(0)} MB` },
      ),
    );
  }
  return results;
}
