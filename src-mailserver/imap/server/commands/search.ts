// SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 4731 ESEARCH, RFC 5182 SEARCHRES, RFC 7162
// §3.1.5 MODSEQ). IMAP4rev1 clients get `* SEARCH` unless they ask for RETURN; IMAP4rev2
// clients always get ESEARCH. Only UTF-8 and US-ASCII charsets are accepted (BADCHARSET).
import { UserError } from '../../../common/errors.js';
import type { SearchKey, SearchReturn } from '../../protocol/command-types.js';
import { imapString, sequenceSetText } from '../../protocol/compose.js';
import { accountOf } from '../mailbox-access.js';
import { searchMessages } from '../search/search-messages.js';
import { ok, type CommandSpec } from '../session.js';

type SearchCommand = { name: 'SEARCH'; uid: boolean; returns: SearchReturn[] | null; charset: string | null; key: SearchKey };

function usesModseq(key: SearchKey): boolean {
  if (key.type === 'modseq') return true;
  if (key.type === 'not') return usesModseq(key.key);
  if (key.type === 'or') return usesModseq(key.a) || usesModseq(key.b);
  if (key.type === 'and') return key.keys.some(usesModseq);
  return false;
}

export const searchCommand: CommandSpec<SearchCommand> = {
  name: 'SEARCH',
  states: ['selected'],
  holdsExpunges: (c) => !c.uid,
  async run(ctx) {
    const { command: c, session, conn, tag } = ctx;
    if (c.charset !== null && c.charset !== 'UTF-8' && c.charset !== 'US-ASCII') throw new UserError('Unsupported charset', 'badcharset');
    const view = session.selected!;
    const withModseq = usesModseq(c.key);
    if (withModseq) session.condstore = true;
    const result = await searchMessages(ctx.services.store, accountOf(ctx), view, c.key);
    const numbers = c.uid ? result.uids : result.seqs;
    let returns = c.returns;
    if (returns === null && session.rev2) returns = ['ALL'];
    if (returns !== null && returns.length === 0) returns = ['ALL'];
    if (returns === null) {
      const modseq = withModseq && numbers.length > 0 ? ` (MODSEQ ${result.highestModseq})` : '';
      await conn.send(`* SEARCH${numbers.map((n) => ' ' + n).join('')}${modseq}\r\n`);
      return ok('Search completed.');
    }
    if (returns.includes('SAVE')) view.saved = result.uids.slice();
    const items: string[] = [];
    const sorted = numbers; // ascending already
    if (returns.includes('MIN') && sorted.length) items.push(`MIN ${sorted[0]}`);
    if (returns.includes('MAX') && sorted.length) items.push(`MAX ${sorted[sorted.length - 1]}`);
    if (returns.includes('ALL') && sorted.length) items.push(`ALL ${sequenceSetText(sorted)}`);
    if (returns.includes('COUNT')) items.push(`COUNT ${sorted.length}`);
    if (withModseq && sorted.length) items.push(`MODSEQ ${result.highestModseq}`);
    const onlySave = returns.length === 1 && returns[0] === 'SAVE';
    if (!onlySave) await conn.send(`* ESEARCH (TAG ${imapString(tag)})${c.uid ? ' UID' : ''}${items.map((i) => ' ' + i).join('')}\r\n`);
    return ok('Search completed.');
  },
};
