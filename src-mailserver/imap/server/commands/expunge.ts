// EXPUNGE (RFC 9051 §6.4.3): remove the \Deleted messages, reporting each (or VANISHED).
import { accountOf } from '../mailbox-access.js';
import { no, ok, type CommandSpec } from '../session.js';

export const expungeCommand: CommandSpec<{ name: 'EXPUNGE' }> = {
  name: 'EXPUNGE',
  states: ['selected'],
  async run(ctx) {
    const view = ctx.session.selected!;
    if (view.readOnly) return no('Mailbox is read-only.', 'READ-ONLY');
    const removed = await ctx.services.store.expunge(accountOf(ctx), view.mailbox, { onlyDeleted: true });
    for (const line of view.removeUids(removed, ctx.session.qresync)) await ctx.conn.send(line + '\r\n');
    return ok('Expunge completed.');
  },
};
