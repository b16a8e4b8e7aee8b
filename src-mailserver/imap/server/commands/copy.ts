// COPY and UID COPY (RFC 9051 §6.4.7, RFC 4315 COPYUID): flags and INTERNALDATE kept; a missing
// target answers TRYCREATE (mbsync then creates it and retries).
import type { SequenceSet } from '../../protocol/command-types.js';
import { sequenceSetText } from '../../protocol/compose.js';
import { accountOf, requireMailbox } from '../mailbox-access.js';
import { bad, ok, type CommandSpec } from '../session.js';

type CopyCommand = { name: 'COPY'; uid: boolean; set: SequenceSet; mailbox: string };

export const copyCommand: CommandSpec<CopyCommand> = {
  name: 'COPY',
  states: ['selected'],
  holdsExpunges: (c) => !c.uid,
  async run(ctx) {
    const view = ctx.session.selected!;
    const seqs = view.resolve(ctx.command.set, ctx.command.uid);
    if (seqs === null) return bad('Invalid message sequence number.');
    const target = requireMailbox(ctx, ctx.command.mailbox, 'trycreate');
    if (seqs.length === 0) return ok('No messages found.');
    const r = await ctx.services.store.copy(accountOf(ctx), view.mailbox, view.uidsOf(seqs), target, false);
    if (r.targetUids.length === 0) return ok('No messages found.');
    return ok('Copy completed.', `COPYUID ${r.uidValidity} ${sequenceSetText(r.sourceUids)} ${sequenceSetText(r.targetUids)}`);
  },
};
