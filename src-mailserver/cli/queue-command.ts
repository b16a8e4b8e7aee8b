// `mailserver queue list|show|retry|hold|release|delete|bounce`: the queue operations API on the
// data directory. A running server notices the change within a second (SQLite data_version);
// reports for `bounce` are sent by the server (at once if it runs, else when it starts).
import { parseArgs } from 'node:util';
import { rfc5322Date } from '../common/clock.js';
import { QueueFiles } from '../queue/queue-files.js';
import { QueueOperations, type QueueEntryView } from '../queue/queue-operations.js';
import { QueueStore } from '../queue/queue-store.js';
import { DirSyncer } from '../store/dir-sync.js';
import { print, UsageError, type CliIo } from './io.js';
import { openManageContext } from './manage-context.js';

export const QUEUE_USAGE = `usage: mailserver queue list [--json] | show ID [--json] | retry ID|--all | hold ID | release ID |
       delete ID | bounce ID   [--data DIR]`;

const ACTIONS = ['list', 'show', 'retry', 'hold', 'release', 'delete', 'bounce'] as const;
type Action = (typeof ACTIONS)[number];

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatQueue(entries: QueueEntryView[]): string[] {
  if (entries.length === 0) return ['queue is empty'];
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`${e.id}  ${when(e.createdAt)}  ${e.size} B  <${e.sender}>${e.held ? '  HELD' : ''}  ${e.subject ? JSON.stringify(e.subject) : ''}`.trimEnd());
    for (const r of e.recipients) {
      const next = r.status === 'queued' ? `  next ${when(r.nextAttemptAt)}` : '';
      lines.push(`    ${r.address}  ${r.status}  attempts ${r.attempts}${next}${r.lastReply ? `  ${r.lastReply}` : ''}`);
    }
  }
  lines.push(`${entries.length} message(s), ${entries.reduce((n, e) => n + e.recipients.filter((r) => r.status === 'queued').length, 0)} recipient(s) waiting`);
  return lines;
}

export async function queueCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { data: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } },
  });
  const [actionText, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if (!actionText || !(ACTIONS as readonly string[]).includes(actionText)) throw new UsageError(QUEUE_USAGE);
  const action = actionText as Action;
  const needsId = action !== 'list' && !(action === 'retry' && values.all);
  if (needsId && !id) throw new UsageError(`queue ${action} needs a queue id (see mailserver queue list)`);
  const ctx = openManageContext(values.data);
  try {
    const ops = new QueueOperations(new QueueStore(ctx.directory.db), new QueueFiles(ctx.dataDir, new DirSyncer()), null);
    switch (action) {
      case 'list': {
        const entries = ops.list();
        if (values.json) print(io, JSON.stringify(entries));
        else for (const line of formatQueue(entries)) print(io, line);
        break;
      }
      case 'show': {
        const detail = await ops.show(id!);
        if (values.json) print(io, JSON.stringify(detail));
        else {
          for (const line of formatQueue([detail]).slice(0, -1)) print(io, line);
          print(io, `expires ${rfc5322Date(new Date(detail.expiresAt))}; DKIM ${detail.dkimSigned ? 'signed' : 'not signed'}; origin ${detail.origin}`);
          print(io, '');
          io.stdout.write(detail.header.replace(/\r\n/g, '\n'));
        }
        break;
      }
      case 'retry':
        if (values.all) print(io, `${ops.retryAll()} recipient(s) due now`);
        else {
          ops.retryNow(id!);
          print(io, `${id} due now`);
        }
        break;
      case 'hold':
        ops.hold(id!);
        print(io, `${id} held`);
        break;
      case 'release':
        ops.release(id!);
        print(io, `${id} released`);
        break;
      case 'delete':
        await ops.delete(id!);
        print(io, `${id} deleted`);
        break;
      case 'bounce': {
        const n = await ops.bounceNow(id!);
        print(io, `${id}: ${n} recipient(s) given up; the server reports them to the sender`);
        break;
      }
    }
    return 0;
  } finally {
    ctx.close();
  }
}
