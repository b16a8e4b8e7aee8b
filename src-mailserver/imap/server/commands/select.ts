// SELECT and EXAMINE (RFC 9051 §6.3.2-6.3.3; RFC 3501 for IMAP4rev1's RECENT and UNSEEN;
// RFC 7162 §3.1.2.1 HIGHESTMODSEQ and CONDSTORE parameter, §3.2.5 QRESYNC parameter with
// VANISHED (EARLIER) and the flag changes since the client's MODSEQ).
import type { Mailbox } from '../../../store/mailbox-index.js';
import { changedSince, expungedSince, firstUnseenUid } from '../../../store/message-rows.js';
import type { QresyncParams } from '../../protocol/command-types.js';
import { astring, sequenceSetText } from '../../protocol/compose.js';
import { mailboxFlags, requireMailbox } from '../mailbox-access.js';
import { encodeMailboxName } from '../mailbox-name.js';
import { SelectedMailbox } from '../selected-mailbox.js';
import { bad, ok, type CommandContext, type CommandResult, type CommandSpec } from '../session.js';
import { setContains } from '../../protocol/reader.js';

type SelectCommand = { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync: QresyncParams | null };

async function qresyncReport(ctx: CommandContext, view: SelectedMailbox, mailbox: Mailbox, q: QresyncParams): Promise<void> {
  if (q.uidValidity !== mailbox.uidValidity) return;
  const { db } = ctx.services.store;
  const vanished = expungedSince(db, mailbox.id, q.modseq).filter((u) => !q.knownUids || setContains(q.knownUids, u, mailbox.uidNext));
  if (vanished.length > 0) await ctx.conn.send(`* VANISHED (EARLIER) ${sequenceSetText(vanished)}\r\n`);
  for (const row of changedSince(db, mailbox.id, q.modseq, view.lastUid)) {
    const seq = view.seqOf(row.uid);
    if (seq > 0) await ctx.conn.send(view.flagsLine(seq, row, true, !ctx.session.rev2) + '\r\n');
  }
}

async function select(ctx: CommandContext<SelectCommand>, readOnly: boolean): Promise<CommandResult> {
  const { session, conn, command } = ctx;
  if (command.qresync && !session.qresync) return bad('QRESYNC is not enabled.');
  if (session.selected) {
    session.selected = null;
    session.state = 'authenticated';
    await conn.send('* OK [CLOSED] Previous mailbox closed.\r\n');
  }
  const mailbox = requireMailbox(ctx, command.mailbox);
  if (command.condstore) session.condstore = true;
  const snapshot = ctx.services.store.snapshots.get(mailbox.id);
  const view = new SelectedMailbox(ctx.services.store.db, mailbox, readOnly, snapshot ? { uids: snapshot.uidList(), modseq: snapshot.modseq } : undefined);
  const flags = mailboxFlags(ctx, mailbox);
  const lines = [`* ${view.exists} EXISTS`];
  if (!session.rev2) lines.push(`* ${view.recentCount} RECENT`);
  lines.push(`* FLAGS (${flags})`);
  lines.push(readOnly ? '* OK [PERMANENTFLAGS ()] Read-only mailbox.' : `* OK [PERMANENTFLAGS (${flags} \\*)] Flags permitted.`);
  if (!session.rev2) {
    const uid = firstUnseenUid(ctx.services.store.db, mailbox.id);
    const seq = uid === null ? 0 : view.seqOf(uid);
    if (seq > 0) lines.push(`* OK [UNSEEN ${seq}] First unseen.`);
  }
  lines.push(`* OK [UIDVALIDITY ${mailbox.uidValidity}] UIDs valid`);
  lines.push(`* OK [UIDNEXT ${view.lastUid + 1 > mailbox.uidNext ? view.lastUid + 1 : mailbox.uidNext}] Predicted next UID`);
  lines.push(`* OK [HIGHESTMODSEQ ${view.highestModseq}] Highest`);
  if (session.rev2) lines.push(`* LIST () "/" ${astring(encodeMailboxName(mailbox.name, true), true)}`);
  await conn.send(lines.map((l) => l + '\r\n').join(''));
  if (command.qresync) await qresyncReport(ctx, view, mailbox, command.qresync);
  session.selected = view;
  session.state = 'selected';
  return ok(`${readOnly ? 'Examine' : 'Select'} completed.`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

export const selectCommand: CommandSpec<SelectCommand> = {
  name: 'SELECT',
  states: ['authenticated', 'selected'],
  run: (ctx) => select(ctx, false),
};

export const examineCommand: CommandSpec<SelectCommand> = {
  name: 'EXAMINE',
  states: ['authenticated', 'selected'],
  run: (ctx) => select(ctx, true),
};
