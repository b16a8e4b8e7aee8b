// XLIST (Gmail's pre-SPECIAL-USE command, still used by Outlook 2013/2016 to find Sent, Trash,
// Junk): LIST with \Inbox and \Spam style attributes, answered as `* XLIST`.
import { mailboxName } from '../mailbox-access.js';
import { ok, type CommandSpec } from '../session.js';
import { decodeWildcard } from './list.js';
import { sendList } from './list-responses.js';

export const xlistCommand: CommandSpec<{ name: 'XLIST'; reference: string; pattern: string }> = {
  name: 'XLIST',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const decode = (s: string) => (s === '' ? '' : mailboxName(ctx, s));
    await sendList(ctx, {
      kind: 'XLIST',
      reference: decode(ctx.command.reference),
      patterns: [decodeWildcard(ctx, ctx.command.pattern, decode)],
      subscribedOnly: false,
      specialUseOnly: false,
      recursiveMatch: false,
      returnSubscribed: false,
      returnChildren: false,
      statusItems: [],
    });
    return ok('Xlist completed.');
  },
};
