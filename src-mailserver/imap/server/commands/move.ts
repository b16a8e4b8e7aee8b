// MOVE and UID MOVE (RFC 6851, RFC 9051 §6.4.8): COPYUID in an untagged OK, then the source
// messages' EXPUNGE (or VANISHED with QRESYNC), then the tagged OK.
import { no } from '../session.js';
import type { SequenceSet } from '../../protocol/command-types.js';
import { sequenceSetText } from '../../protocol/compose.js';
import { accountOf, requireMailbox } from '../mailbox-access.js';
import { bad, ok, type CommandSpec } from '../session.js';

type MoveCommand = { name: 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string };

export const moveCommand: CommandSpec<MoveCommand> = {
  name: 'MOVE',
  states: ['selected'],
  async run(ctx) {
    const view = ctx.session.selected!;
    if (view.readOnly) return no('Mailbox is read-only.', 'READ-ONLY');
    const seqs = view.resolve(ctx.command.set, ctx.command.uid);
    if (seqs === null) return bad('Invalid message sequence number.');
    const target = requireMailbox(ctx, ctx.command.mailbox, 'trycreate');
    if (seqs.length === 0) return ok('No messages found.');
    const r = await ctx.services.store.copy(accountOf(ctx), view.mailbox, view.uidsOf(seqs), target, true);
    if (r.targetUids.length === 0) return ok('No messages found.');
    await ctx.conn.send(`* OK [COPYUID ${r.uidValidity} ${sequenceSetText(r.sourceUids)} ${sequenceSetText(r.targetUids)}] Moved UIDs.\r\n`);
    for (const line of view.removeUids(r.sourceUids, ctx.session.qresync)) await ctx.conn.send(line + '\r\n');
    return ok('Move completed.');
  },
};
