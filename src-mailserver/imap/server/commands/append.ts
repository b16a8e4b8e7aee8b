// APPEND (RFC 9051 §6.3.12, RFC 4315 APPENDUID, RFC 7888 LITERAL+, RFC 6855 `UTF8 (~{n})`).
// The bytes are stored exactly as sent (mbsync finds its uploads again by their X-TUID header)
// through the store's durable path, so the tagged OK means the message is on disk and indexed.
import { UserError } from '../../../common/errors.js';
import { parseFlags } from '../flags.js';
import { accountOf, requireMailbox } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';

type AppendCommand = { name: 'APPEND'; mailbox: string; flags: string[]; date: number | null; message: Buffer; binary: boolean };

export const appendCommand: CommandSpec<AppendCommand> = {
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const c = ctx.command;
    const mailbox = requireMailbox(ctx, c.mailbox, 'trycreate');
    if (c.message.length === 0) throw new UserError("Can't save a zero byte message.", 'cannot');
    const { flags, keywords } = parseFlags(c.flags);
    const r = await ctx.services.store.append(accountOf(ctx), mailbox, c.message, { flags, keywords, internalDate: c.date ?? Date.now() });
    ctx.log.info({ user: accountOf(ctx).address, mailbox: mailbox.name, uid: r.uid, size: c.message.length }, 'append');
    return ok('Append completed.', `APPENDUID ${r.uidValidity} ${r.uid}`);
  },
};
