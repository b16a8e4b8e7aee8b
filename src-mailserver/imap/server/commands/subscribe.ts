// SUBSCRIBE (RFC 9051 §6.3.7): subscriptions are names; the mailbox need not exist.
import { accountOf, mailboxName } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';

export const subscribeCommand: CommandSpec<{ name: 'SUBSCRIBE'; mailbox: string }> = {
  name: 'SUBSCRIBE',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    await ctx.services.store.subscribe(accountOf(ctx), mailboxName(ctx, ctx.command.mailbox));
    return ok('Subscribe completed.');
  },
};
