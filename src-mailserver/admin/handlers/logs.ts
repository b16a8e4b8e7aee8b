// Admin request for log history: the newest lines from the in-memory ring, filtered; the live
// tail arrives as `log` events.
import { z } from 'zod';
import { handler } from '../handler.js';
import { recordFilter, toLogLine } from '../log-lines.js';

const level = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

export const logHandlers = [
  handler({
    method: 'logs.recent',
    params: z
      .object({
        limit: z.number().int().min(1).max(20_000).optional(),
        beforeSeq: z.number().int().positive().optional(),
        filter: z
          .object({ level: level.optional(), component: z.string().max(100).optional(), text: z.string().max(500).optional(), id: z.string().max(200).optional() })
          .strict()
          .optional(),
      })
      .strict(),
    run(ctx, { limit, filter, beforeSeq }) {
      if (!ctx.ring) return [];
      return ctx.ring.entries(limit ?? 2000, recordFilter(filter), beforeSeq ?? Infinity).map(toLogLine);
    },
  }),
];
