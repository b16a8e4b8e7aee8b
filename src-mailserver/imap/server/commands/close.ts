// CLOSE (RFC 9051 §6.4.1): expunge \Deleted messages silently (read-write only) and leave the
// selected state.
import { accountOf } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';

export const closeCommand: CommandSpec<{ name: 'CLOSE' }> = {
  name: 'CLOSE',
  states: ['selected'],
  async run(ctx) {
    const view = ctx.session.selected!;
    ctx.session.selected = null;
    ctx.session.state = 'authenticated';
    if (!view.readOnly) await ctx.services.store.expunge(accountOf(ctx), view.mailbox, { onlyDeleted: true });
    return ok('Close completed.');
  },
};
