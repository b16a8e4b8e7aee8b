// Admin requests about the running server: status, the hourly chart, pausing incoming mail and
// restarting with saved settings.
import { z } from 'zod';
import { UserError } from '../../common/errors.js';
import { handler } from '../handler.js';
import { buildStatus } from '../status.js';

const noParams = z.object({}).strict();

export const statusHandlers = [
  handler({ method: 'status.get', params: noParams, run: (ctx) => buildStatus(ctx) }),
  handler({
    method: 'metrics.hourly',
    params: z.object({ hours: z.number().int().min(1).max(48).optional() }).strict(),
    run: (ctx, { hours }) => ctx.metrics.hourly(hours ?? 24),
  }),
  handler({
    method: 'server.pauseIncoming',
    params: z.object({ paused: z.boolean() }).strict(),
    changes: 'status',
    async run(ctx, { paused }) {
      await ctx.setIncomingPaused(paused);
      ctx.log.info({ component: 'admin' }, paused ? 'incoming mail paused' : 'incoming mail resumed');
      return buildStatus(ctx);
    },
  }),
  handler({
    method: 'server.restart',
    params: noParams,
    run(ctx) {
      if (!ctx.requestRestart) throw new UserError('this server cannot restart itself', 'unavailable');
      ctx.log.info({ component: 'admin' }, 'restart requested');
      // Answer first; the restart closes the admin connection.
      setTimeout(() => ctx.requestRestart?.(), 50);
      return { restarting: true as const };
    },
  }),
];
