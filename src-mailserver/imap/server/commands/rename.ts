// RENAME (RFC 9051 §6.3.6): children move along; renaming INBOX moves its messages.
import { accountOf, mailboxName } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';

export const renameCommand: CommandSpec<{ name: 'RENAME'; from: string; to: string }> = {
  name: 'RENAME',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const from = mailboxName(ctx, ctx.command.from);
    const to = mailboxName(ctx, ctx.command.to);
    await ctx.services.store.renameMailbox(accountOf(ctx), from, to);
    const view = ctx.session.selected;
    if (view && view.mailbox.name === from && from !== 'INBOX') view.mailbox = { ...view.mailbox, name: to };
    return ok('Rename completed.');
  },
};
