// UNSUBSCRIBE (RFC 9051 §6.3.8).
import { accountOf, mailboxName } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';

export const unsubscribeCommand: CommandSpec<{ name: 'UNSUBSCRIBE'; mailbox: string }> = {
  name: 'UNSUBSCRIBE',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    await ctx.services.store.unsubscribe(accountOf(ctx), mailboxName(ctx, ctx.command.mailbox));
    return ok('Unsubscribe completed.');
  },
};
