// FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9; RFC 7162 §3.1.4 CHANGEDSINCE, §3.2.6 VANISHED).
// Rows are read range by range from the index; implicit \Seen is applied to all messages first
// (one flag update), so the responses carry the new FLAGS.
import { Flag } from '../../../store/maildir.js';
import { expungedSince, indexColumnsForUids, rowsForUids } from '../../../store/message-rows.js';
import type { FetchAttribute, SequenceSet } from '../../protocol/command-types.js';
import { sequenceSetText } from '../../protocol/compose.js';
import { setContains } from '../../protocol/reader.js';
import { fetchFromSnapshot, snapshotItems } from '../fetch/fetch-flags.js';
import { fetchMessage, indexOnlyLine, planFetch, setsSeen } from '../fetch/fetch-message.js';
import { accountOf } from '../mailbox-access.js';
import { bad, ok, type CommandSpec } from '../session.js';

type FetchCommand = { name: 'FETCH'; uid: boolean; set: SequenceSet; attributes: FetchAttribute[]; changedSince: number | null; vanished: boolean };

export const fetchCommand: CommandSpec<FetchCommand> = {
  name: 'FETCH',
  states: ['selected'],
  holdsExpunges: (c) => !c.uid,
  async run(ctx) {
    const { command: c, session, services, conn } = ctx;
    const view = session.selected!;
    const account = accountOf(ctx);
    const store = services.store;
    if (c.vanished && (!c.uid || c.changedSince === null || !session.qresync)) return bad('VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC.');
    const seqs = view.resolve(c.set, c.uid);
    if (seqs === null) return bad('Invalid message sequence number.');
    if (c.changedSince !== null) session.condstore = true;
    const plan = planFetch(c.attributes, c.uid, c.changedSince !== null || (session.condstore && c.attributes.some((a) => a.type === 'MODSEQ')), session.utf8);
    if (plan.modseq) session.condstore = true;
    if (c.vanished) {
      const star = view.lastUid;
      const gone = expungedSince(store.db, view.mailbox.id, c.changedSince!).filter((u) => c.set.kind === 'set' && setContains(c.set, u, star));
      if (gone.length > 0) await conn.send(`* VANISHED (EARLIER) ${sequenceSetText(gone)}\r\n`);
    }
    const items = snapshotItems(plan);
    const snapshot = items ? store.snapshots.get(view.mailbox.id) : null;
    if (items && snapshot) {
      await fetchFromSnapshot(conn, snapshot, view, seqs, items, { modseq: plan.modseq, changedSince: c.changedSince, rev1: !session.rev2 });
      return ok('Fetch completed.');
    }
    const uids = view.uidsOf(seqs);
    if (!plan.needsMeta && !plan.needsFile) {
      // Index data only (FLAGS, UID, sizes, dates, MODSEQ): just those columns, lines composed
      // in one tight loop.
      let chunk: string[] = [];
      for (const row of indexColumnsForUids(store.db, view.mailbox.id, uids)) {
        if (c.changedSince !== null && row.modseq <= c.changedSince) continue;
        const seq = view.seqOf(row.uid);
        if (seq === 0) continue;
        chunk.push(indexOnlyLine(seq, row, plan, !session.rev2 && view.isRecent(row.uid)));
        if (chunk.length >= 2000) {
          await conn.send(chunk.join(''));
          chunk = [];
        }
      }
      if (chunk.length) await conn.send(chunk.join(''));
      return ok('Fetch completed.');
    }
    let rows = rowsForUids(store.db, view.mailbox.id, uids);
    if (c.changedSince !== null) rows = rows.filter((r) => r.modseq > c.changedSince!);
    const seenChanged = new Set<number>();
    if (!view.readOnly && c.attributes.some(setsSeen)) {
      const unseen = rows.filter((r) => !(r.flags & Flag.Seen)).map((r) => r.uid);
      if (unseen.length > 0) {
        const result = await store.updateFlags(account, view.mailbox, unseen, { op: 'add', flags: Flag.Seen, keywords: [] });
        const updated = new Map(result.rows.map((r) => [r.uid, r]));
        rows = rows.map((r) => updated.get(r.uid) ?? r);
        const changed = new Set(result.changed);
        for (const r of result.rows) {
          if (changed.has(r.uid)) {
            seenChanged.add(r.uid);
            view.ownModseqs.add(r.modseq);
          }
        }
      }
    }
    for (const row of rows) {
      const seq = view.seqOf(row.uid);
      if (seq === 0) continue;
      const response = await fetchMessage(store, account, view.mailbox, seq, row, plan, !session.rev2 && view.isRecent(row.uid), seenChanged.has(row.uid));
      if (response) await conn.send(response);
    }
    return ok('Fetch completed.');
  },
};
