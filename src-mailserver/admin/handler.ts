// The shape of one admin request handler: its method name, a zod schema for its parameters
// (validated once, at the boundary, before `run` sees them), what it changes (so connected UIs
// are told), and `run`. Handlers throw UserError for the caller's mistakes.
import type { z } from 'zod';
import { UserError } from '../common/errors.js';
import type { AdminMethod, AdminParams, AdminResult } from './contract.js';
import type { AdminContext } from './context.js';

export type ChangeKind = 'directory' | 'settings' | 'status' | 'queue';

export interface AdminHandler<M extends AdminMethod = AdminMethod> {
  method: M;
  params: z.ZodType<AdminParams<M>, unknown>;
  changes?: ChangeKind;
  run(ctx: AdminContext, params: AdminParams<M>): Promise<AdminResult<M>> | AdminResult<M>;
}

export function handler<M extends AdminMethod>(h: AdminHandler<M>): AdminHandler<M> {
  return h;
}

/** For a subsystem this build or this state does not have. */
export function unavailable(what: string): never {
  throw new UserError(`${what} is not available in this version of the server`, 'unavailable');
}
