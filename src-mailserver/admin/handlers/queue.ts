// Admin requests for the outbound queue: list with filters, one message in detail, and the
// operations retry now / hold / release / delete (sender not told) / bounce (sender gets a DSN).
import { z } from 'zod';
import { handler, unavailable } from '../handler.js';
import type { AdminContext, QueueAdmin } from '../context.js';

const id = z.object({ id: z.string().trim().min(1).max(100) }).strict();

function queueOf(ctx: AdminContext): QueueAdmin {
  return ctx.queue ?? unavailable('The outbound queue');
}

export const queueHandlers = [
  handler({
    method: 'queue.list',
    params: z
      .object({
        filter: z
          .object({ text: z.string().max(200).optional(), state: z.enum(['queued', 'deferred', 'held', 'sending']).optional(), domain: z.string().max(253).optional() })
          .strict()
          .optional(),
      })
      .strict(),
    run: (ctx, { filter }) => queueOf(ctx).list(filter),
  }),
  handler({ method: 'queue.show', params: id, run: (ctx, p) => queueOf(ctx).show(p.id) }),
  handler({ method: 'queue.retry', params: id, changes: 'queue', run: (ctx, p) => queueOf(ctx).retry(p.id) }),
  handler({ method: 'queue.hold', params: id, changes: 'queue', run: (ctx, p) => queueOf(ctx).hold(p.id) }),
  handler({ method: 'queue.release', params: id, changes: 'queue', run: (ctx, p) => queueOf(ctx).release(p.id) }),
  handler({
    method: 'queue.delete',
    params: id,
    changes: 'queue',
    async run(ctx, p) {
      await queueOf(ctx).delete(p.id);
      ctx.log.info({ component: 'admin', queueId: p.id }, 'queued message deleted');
      return { removed: p.id };
    },
  }),
  handler({
    method: 'queue.bounce',
    params: id,
    changes: 'queue',
    async run(ctx, p) {
      await queueOf(ctx).bounce(p.id);
      ctx.log.info({ component: 'admin', queueId: p.id }, 'queued message bounced');
      return { bounced: p.id };
    },
  }),
];
