// UID EXPUNGE (RFC 4315 §2.1, RFC 9051 §6.4.9): expunge only \Deleted messages in a UID set.
import type { SequenceSet } from '../../protocol/command-types.js';
import { accountOf } from '../mailbox-access.js';
import { bad, no, ok, type CommandSpec } from '../session.js';

export const uidExpungeCommand: CommandSpec<{ name: 'UID EXPUNGE'; set: SequenceSet }> = {
  name: 'UID EXPUNGE',
  states: ['selected'],
  async run(ctx) {
    const view = ctx.session.selected!;
    if (view.readOnly) return no('Mailbox is read-only.', 'READ-ONLY');
    const seqs = view.resolve(ctx.command.set, true);
    if (seqs === null) return bad('Invalid UID set.');
    if (seqs.length === 0) return ok('Expunge completed.');
    const removed = await ctx.services.store.expunge(accountOf(ctx), view.mailbox, { uids: view.uidsOf(seqs), onlyDeleted: true });
    for (const line of view.removeUids(removed, ctx.session.qresync)) await ctx.conn.send(line + '\r\n');
    return ok('Expunge completed.');
  },
};
