// Workload: outbound. N messages handed in over 10 sessions (one per sender) for remote
// recipients: to our submission port (STARTTLS, AUTH as the sender: the real path with sender
// check, DKIM signing, queue) and to Postfix's smtpd (relay permitted from mynetworks; no TLS, no
// signing). Both stacks relay to the same Postfix smtp-sink on 127.0.4.2:25; the clock runs from
// the first connection until the sink has counted every message. Messages per second.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { makeMessage } from './support/messages.js';
import { sleep } from './support/proc.js';
import { SmtpClient } from './support/smtp-client.js';
import { alternate, type BenchContext } from './context.js';
import { result, type WorkloadResult } from './report.js';
import { DOMAIN, PASSWORD, REMOTE_DOMAIN, SINK_ADDRESS, type Stack } from './stack.js';

export interface Sink {
  /** Messages the sink has received so far. */
  received(): number;
  stop(): Promise<void>;
}

/** Postfix's smtp-sink on SINK_ADDRESS:25, counting messages (its -c running counters). */
export async function startSink(dir: string): Promise<Sink> {
  await mkdir(dir, { recursive: true });
  const child: ChildProcess = spawn('smtp-sink', ['-u', 'postfix', '-c', `${SINK_ADDRESS}:25`, '1024'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let count = 0;
  let tail = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    const text = tail + d.toString();
    const all = [...text.matchAll(/mesg=(\d+)/g)];
    if (all.length > 0) count = Number(all[all.length - 1]![1]);
    tail = text.slice(-40);
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await sleep(500);
  if (child.exitCode !== null) throw new Error(`smtp-sink did not start on ${SINK_ADDRESS}:25: ${stderr}`);
  return {
    received: () => count,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function outbound(stack: Stack, sink: Sink, spec: { messages: number; senders: string[]; runId: string }): Promise<{ perSecond: number; seconds: number; handedInSeconds: number }> {
  const sessions = spec.senders.length;
  const senderOf = (i: number) => `${spec.senders[i % sessions]}@${DOMAIN}`;
  const bodies = Array.from({ length: spec.messages }, (_, i) =>
    makeMessage({ token: `${spec.runId}-${i}`, n: i, from: senderOf(i), to: `r${i % 100}@${REMOTE_DOMAIN}`, size: 10_240 }),
  );
  const baseline = sink.received();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: sessions }, async (_, s) => {
      const sender = senderOf(s);
      const client = await SmtpClient.connect(stack.submit.host, stack.submit.port);
      try {
        if (stack.submit.auth) {
          await client.startTls();
          await client.authPlain(sender, PASSWORD);
        }
        for (let i = s; i < spec.messages; i += sessions) {
          await client.send(sender, [`r${i % 100}@${REMOTE_DOMAIN}`], bodies[i]!);
        }
      } finally {
        await client.quit();
      }
    }),
  );
  const handedIn = (performance.now() - started) / 1000;
  const deadline = Date.now() + 600_000;
  while (sink.received() - baseline < spec.messages) {
    if (Date.now() > deadline) throw new Error(`${stack.name}: the sink got ${sink.received() - baseline} of ${spec.messages} messages in 10 minutes`);
    await sleep(20);
  }
  const seconds = (performance.now() - started) / 1000;
  if (sink.received() - baseline !== spec.messages) throw new Error(`${stack.name}: the sink got ${sink.received() - baseline} messages, expected ${spec.messages}`);
  return { perSecond: spec.messages / seconds, seconds, handedInSeconds: handedIn };
}

export async function outboundWorkloads(ctx: BenchContext, sink: Sink): Promise<WorkloadResult[]> {
  const messages = ctx.quick ? 300 : 2000;
  const runs = await alternate(ctx, 'outbound', async (stack, round) => {
    const r = await outbound(stack, sink, { messages, senders: ctx.users.senders, runId: `out-${round}` });
    await sleep(1000); // let the other stack's queue settle before it is measured
    return r;
  });
  return [
    result(
      'outbound-relay',
      `Outbound, ${messages.toLocaleString('en')} × 10 KB through the queue to a local sink`,
      'msg/s',
      'higher',
      { ours: runs.ours.map((r) => r.perSecond), classic: runs.classic.map((r) => r.perSecond) },
    ),
  ];
}
