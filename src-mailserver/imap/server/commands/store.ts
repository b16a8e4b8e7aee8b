// STORE and UID STORE (RFC 9051 §6.4.6; RFC 7162 §3.1.3 UNCHANGEDSINCE and MODIFIED). The new
// flags of every message touched are sent back unless .SILENT (with CONDSTORE, .SILENT still
// reports the new MODSEQ of changed messages); a new keyword sends a new FLAGS list.
import type { SequenceSet } from '../../protocol/command-types.js';
import { sequenceSetText } from '../../protocol/compose.js';
import { flagsText, parseFlags } from '../flags.js';
import { accountOf, mailboxFlags } from '../mailbox-access.js';
import { bad, no, ok, type CommandSpec } from '../session.js';

type StoreCommand = { name: 'STORE'; uid: boolean; set: SequenceSet; op: 'set' | 'add' | 'remove'; silent: boolean; flags: string[]; unchangedSince: number | null };

export const storeCommand: CommandSpec<StoreCommand> = {
  name: 'STORE',
  states: ['selected'],
  holdsExpunges: (c) => !c.uid,
  async run(ctx) {
    const { command: c, session, services, conn } = ctx;
    const view = session.selected!;
    if (view.readOnly) return no('Mailbox is read-only.', 'READ-ONLY');
    const seqs = view.resolve(c.set, c.uid);
    if (seqs === null) return bad('Invalid message sequence number.');
    const { flags, keywords } = parseFlags(c.flags);
    if (c.unchangedSince !== null) session.condstore = true;
    const result = await services.store.updateFlags(accountOf(ctx), view.mailbox, view.uidsOf(seqs), { op: c.op, flags, keywords }, c.unchangedSince ?? undefined);
    if (result.keywordsAdded) {
      const all = mailboxFlags(ctx, view.mailbox);
      await conn.send(`* FLAGS (${all})\r\n* OK [PERMANENTFLAGS (${all} \\*)] Flags permitted.\r\n`);
    }
    const changed = new Set(result.changed);
    for (const row of result.rows) {
      if (changed.has(row.uid)) view.ownModseqs.add(row.modseq);
      if (result.modified.includes(row.uid)) continue;
      const seq = view.seqOf(row.uid);
      if (seq === 0) continue;
      if (c.silent && !(session.condstore && changed.has(row.uid))) continue;
      const items: string[] = [];
      if (c.uid) items.push(`UID ${row.uid}`);
      if (!c.silent) items.push(`FLAGS ${flagsText(row.flags, row.keywords, !session.rev2 && view.isRecent(row.uid))}`);
      if (session.condstore) items.push(`MODSEQ (${row.modseq})`);
      await conn.send(`* ${seq} FETCH (${items.join(' ')})\r\n`);
    }
    if (result.modified.length > 0) {
      const modified = c.uid ? result.modified : result.modified.map((u) => view.seqOf(u)).filter((s) => s > 0);
      return ok('Conditional store failed.', `MODIFIED ${sequenceSetText(modified.sort((a, b) => a - b))}`);
    }
    return ok('Store completed.');
  },
};
