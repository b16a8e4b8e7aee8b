// FETCH of UID, FLAGS and MODSEQ only (RFC 9051 §6.4.5, RFC 7162 §3.1.4): answered from the
// store's mailbox snapshot (typed arrays) instead of index rows, composing the responses in one
// loop. The common sync of a large mailbox (`UID FETCH 1:* (FLAGS)`) costs no table scan.
// Responses are item for item what fetch-message.ts composes for the same attributes.
import type { MailboxSnapshot } from '../../../store/mailbox-snapshot.js';
import type { ConnectionControl } from '../session.js';
import { flagsText } from '../flags.js';
import type { SelectedMailbox } from '../selected-mailbox.js';
import type { FetchPlan } from './fetch-message.js';

type Item = 'UID' | 'FLAGS';

/** The items of each response, in order, when every attribute is one a snapshot holds; else null. */
export function snapshotItems(plan: FetchPlan): Item[] | null {
  if (plan.needsMeta || plan.needsFile) return null;
  const items: Item[] = plan.uid ? ['UID'] : [];
  for (const a of plan.attributes) {
    if (a.type === 'UID' || a.type === 'FLAGS') {
      if (!items.includes(a.type)) items.push(a.type);
    } else if (a.type !== 'MODSEQ') return null;
  }
  return items;
}

export async function fetchFromSnapshot(
  conn: Pick<ConnectionControl, 'send'>,
  snapshot: MailboxSnapshot,
  view: SelectedMailbox,
  seqs: number[],
  items: Item[],
  options: { modseq: boolean; changedSince: number | null; rev1: boolean },
): Promise<void> {
  // FLAGS texts by flag bits (+256 when \Recent); messages with keywords are composed each time.
  const flagTexts: string[] = [];
  const uidFirst = items[0] === 'UID';
  const withFlags = items.includes('FLAGS');
  const withUid = items.includes('UID');
  const { uids, flags, modseqs } = snapshot;
  const count = snapshot.length;
  const hasKeywords = snapshot.keywords.size > 0;
  // Flags and keywords are atoms (ASCII); a keyword stored from elsewhere is sent as UTF-8 anyway.
  const encoding = hasKeywords ? 'utf8' : 'latin1';
  let out = '';
  let j = 0;
  for (const seq of seqs) {
    const uid = view.uidAt(seq);
    // seqs ascend, so UIDs do: walk the snapshot forward.
    while (j < count && uids[j]! < uid) j++;
    if (j >= count || uids[j] !== uid) continue; // expunged meanwhile: no response, as for a missing row
    const modseq = modseqs[j]!;
    if (options.changedSince !== null && modseq <= options.changedSince) continue;
    let flagPart = '';
    if (withFlags) {
      const recent = options.rev1 && view.isRecent(uid);
      const keywords = hasKeywords ? snapshot.keywordsOf(uid) : '';
      if (keywords) flagPart = 'FLAGS ' + flagsText(flags[j]!, keywords, recent);
      else {
        const key = flags[j]! + (recent ? 256 : 0);
        flagPart = flagTexts[key] ??= 'FLAGS ' + flagsText(flags[j]!, '', recent);
      }
    }
    let line = '* ' + seq + ' FETCH (';
    if (withUid && withFlags) line += uidFirst ? 'UID ' + uid + ' ' + flagPart : flagPart + ' UID ' + uid;
    else line += withUid ? 'UID ' + uid : flagPart;
    if (options.modseq) line += (items.length > 0 ? ' ' : '') + 'MODSEQ (' + modseq + ')';
    out += line + ')\r\n';
    if (out.length >= 64 * 1024) {
      await conn.send(Buffer.from(out, encoding));
      out = '';
    }
  }
  if (out) await conn.send(Buffer.from(out, encoding));
}
