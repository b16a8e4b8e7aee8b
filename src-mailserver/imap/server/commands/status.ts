// STATUS (RFC 9051 §6.3.11): counters of a mailbox without selecting it.
import { astring } from '../../protocol/compose.js';
import { requireMailbox } from '../mailbox-access.js';
import { encodeMailboxName } from '../mailbox-name.js';
import { ok, type CommandSpec } from '../session.js';
import { checkStatusItems, statusData } from './status-items.js';

export const statusCommand: CommandSpec<{ name: 'STATUS'; mailbox: string; items: string[] }> = {
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    checkStatusItems(ctx.command.items);
    const mailbox = requireMailbox(ctx, ctx.command.mailbox);
    const name = astring(encodeMailboxName(mailbox.name, ctx.session.utf8), ctx.session.utf8);
    await ctx.conn.send(`* STATUS ${name} ${statusData(ctx, mailbox, ctx.command.items)}\r\n`);
    return ok('Status completed.');
  },
};
