// DELETE (RFC 9051 §6.3.5): INBOX and mailboxes with children cannot be deleted (as Dovecot).
import { accountOf, mailboxName } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';

export const deleteCommand: CommandSpec<{ name: 'DELETE'; mailbox: string }> = {
  name: 'DELETE',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const name = mailboxName(ctx, ctx.command.mailbox);
    if (ctx.session.selected?.mailbox.name === name) {
      ctx.session.selected = null;
      ctx.session.state = 'authenticated';
    }
    await ctx.services.store.deleteMailbox(accountOf(ctx), name);
    return ok('Delete completed.');
  },
};
