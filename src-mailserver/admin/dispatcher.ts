// Transport-agnostic dispatch of admin requests: look the method up in the handler table (never
// by reflection), validate the parameters with its zod schema, run it, and turn every outcome
// into an AdminResponse. The caller's mistakes come back as {code, message}; our own faults as
// `internal` with a fixed message, the detail going to the log.
import { z } from 'zod';
import { UserError } from '../common/errors.js';
import type { AdminResponse } from './contract.js';
import type { AdminContext } from './context.js';
import type { AdminEventHub } from './event-hub.js';
import type { AdminHandler } from './handler.js';
import { ADMIN_HANDLERS } from './handlers/index.js';

export class AdminDispatcher {
  private readonly table = new Map<string, AdminHandler>();

  constructor(
    readonly ctx: AdminContext,
    readonly hub: AdminEventHub,
    handlers: readonly AdminHandler[] = ADMIN_HANDLERS,
  ) {
    for (const h of handlers) {
      if (this.table.has(h.method)) throw new Error(`two admin handlers for ${h.method}`);
      this.table.set(h.method, h);
    }
  }

  get methods(): string[] {
    return [...this.table.keys()];
  }

  async call(method: unknown, rawParams: unknown): Promise<AdminResponse> {
    const h = typeof method === 'string' ? this.table.get(method) : undefined;
    if (!h) return { ok: false, error: { code: 'unknown_method', message: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` } };
    const parsed = h.params.safeParse(rawParams ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'invalid', message: describeZodError(parsed.error) } };
    try {
      const result = await h.run(this.ctx, parsed.data as never);
      if (h.changes) this.hub.changed(h.changes);
      return { ok: true, result };
    } catch (err) {
      if (err instanceof UserError) return { ok: false, error: { code: err.code, message: err.message } };
      this.ctx.log.error({ component: 'admin', err, method: h.method }, 'admin request failed');
      return { ok: false, error: { code: 'internal', message: 'Internal error; the server log has the details.' } };
    }
  }
}

function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid parameters';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
