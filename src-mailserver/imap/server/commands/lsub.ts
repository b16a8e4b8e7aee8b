// LSUB (RFC 3501 §6.3.9; gone from IMAP4rev2, still used by IMAP4rev1 clients such as macOS
// Mail and Thunderbird without LIST-EXTENDED): subscribed names, with special-use attributes.
import { mailboxName } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';
import { decodeWildcard } from './list.js';
import { sendList } from './list-responses.js';

export const lsubCommand: CommandSpec<{ name: 'LSUB'; reference: string; pattern: string }> = {
  name: 'LSUB',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const decode = (s: string) => (s === '' ? '' : mailboxName(ctx, s));
    await sendList(ctx, {
      kind: 'LSUB',
      reference: decode(ctx.command.reference),
      patterns: [decodeWildcard(ctx, ctx.command.pattern, decode)],
      subscribedOnly: true,
      specialUseOnly: false,
      recursiveMatch: false,
      returnSubscribed: false,
      returnChildren: false,
      statusItems: [],
    });
    return ok('Lsub completed.');
  },
};
