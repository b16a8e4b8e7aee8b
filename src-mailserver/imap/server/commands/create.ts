// CREATE (RFC 9051 §6.3.4), with CREATE-SPECIAL-USE's USE parameter accepted (RFC 6154 §3):
// names are checked in store/mailbox-names.ts (no `.`, wildcards, control characters).
import { UserError } from '../../../common/errors.js';
import { sql } from '../../../directory/database.js';
import { accountOf, mailboxName } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';

const SPECIAL = ['\\Archive', '\\Drafts', '\\Junk', '\\Sent', '\\Trash', '\\All', '\\Flagged'];

export const createCommand: CommandSpec<{ name: 'CREATE'; mailbox: string; specialUse: string[] }> = {
  name: 'CREATE',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const name = mailboxName(ctx, ctx.command.mailbox.replace(/\/$/, ''));
    const use = ctx.command.specialUse.map((u) => SPECIAL.find((s) => s.toLowerCase() === u.toLowerCase()));
    if (use.some((u) => u === undefined) || use.length > 1) throw new UserError('Unsupported special-use attribute', 'cannot');
    if (name === 'INBOX') throw new UserError('Mailbox already exists', 'alreadyexists');
    const mailbox = await ctx.services.store.createMailbox(accountOf(ctx), name);
    if (use[0]) sql(ctx.services.store.db, 'UPDATE mailboxes SET special_use = ? WHERE id = ?').run(use[0], mailbox.id);
    return ok('Create completed.');
  },
};
