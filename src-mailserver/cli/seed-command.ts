// `mailserver seed ADDRESS --count N`: fill a mailbox with N generated messages through the
// store's own durable path (spool, fsync, link, directory fsync, index row with the MIME
// structure), many at a time so directory fsyncs are shared. For benchmarks (a 100,000-message
// mailbox seeds in minutes); works whether or not the server runs.
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors.js';
import { forEachLimited } from '../common/concurrency.js';
import { Flag } from '../store/maildir.js';
import { print, UsageError, type CliIo } from './io.js';
import { openManageContext } from './manage-context.js';
import { seedMessage } from './seed-messages.js';

export const SEED_USAGE = `usage: mailserver seed ADDRESS --count N [--mailbox NAME] [--seen-percent P] [--concurrency C] [--data DIR]`;

export async function seedCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      count: { type: 'string' },
      mailbox: { type: 'string' },
      'seen-percent': { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const [address, ...extra] = positionals;
  if (!address || extra.length > 0 || !values.count) throw new UsageError(SEED_USAGE);
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) throw new UsageError('--count must be a whole number from 1 to 10000000');
  const seenPercent = values['seen-percent'] === undefined ? 80 : Number(values['seen-percent']);
  if (!(seenPercent >= 0 && seenPercent <= 100)) throw new UsageError('--seen-percent must be 0-100');
  const concurrency = values.concurrency === undefined ? 64 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) throw new UsageError('--concurrency must be 1-1024');
  const ctx = openManageContext(values.data);
  try {
    const account = ctx.directory.accounts.get(address);
    if (!account) throw new UserError(`no such account: ${address}`);
    await ctx.store.delivery.ensureAccount(account);
    const name = values.mailbox ?? 'INBOX';
    const mailbox = ctx.store.index.getMailbox(account.id, name) ?? (await ctx.store.createMailbox(account, name));
    const start = Date.now();
    const first = ctx.store.index.mailboxById(mailbox.id)!.uidNext;
    let done = 0;
    const numbers = Array.from({ length: count }, (_, i) => i);
    await forEachLimited(numbers, concurrency, async (i) => {
      const n = first - 1 + i;
      const { data, date } = seedMessage(n, account.address);
      const seen = (n * 37) % 100 < seenPercent;
      await ctx.store.append(account, mailbox, data, { flags: seen ? Flag.Seen : 0, internalDate: date });
      done++;
      if (done % 10_000 === 0) io.stderr.write(`seeded ${done}/${count} (${Math.round(done / ((Date.now() - start) / 1000))}/s)\n`);
    });
    const seconds = (Date.now() - start) / 1000;
    print(io, `seeded ${count} messages into ${account.address} ${mailbox.name} in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s)`);
    return 0;
  } finally {
    ctx.close();
  }
}
