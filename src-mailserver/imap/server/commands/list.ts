// LIST (RFC 9051 §6.3.9, LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819, SPECIAL-USE RFC 6154).
import type { ListCommand } from '../../protocol/command-types.js';
import { ok, type CommandSpec } from '../session.js';
import { mailboxName } from '../mailbox-access.js';
import { sendList } from './list-responses.js';
import { checkStatusItems } from './status-items.js';

export const listCommand: CommandSpec<ListCommand> = {
  name: 'LIST',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const c = ctx.command;
    if (!c.extended && c.patterns.length === 1 && c.patterns[0] === '') {
      await ctx.conn.send('* LIST (\\Noselect) "/" ""\r\n');
      return ok('List completed.');
    }
    checkStatusItems(c.statusItems);
    const decode = (s: string) => (s === '' ? '' : mailboxName(ctx, s));
    await sendList(ctx, {
      kind: 'LIST',
      reference: decode(c.reference),
      patterns: c.patterns.map((p) => (p === '' ? '' : decodeWildcard(ctx, p, decode))),
      subscribedOnly: c.selection.includes('SUBSCRIBED'),
      specialUseOnly: c.selection.includes('SPECIAL-USE'),
      recursiveMatch: c.selection.includes('RECURSIVEMATCH'),
      returnSubscribed: c.returns.includes('SUBSCRIBED'),
      returnChildren: c.returns.includes('CHILDREN'),
      statusItems: c.statusItems,
    });
    return ok('List completed.');
  },
};

/** Decode a pattern's mUTF-7 while keeping `*` and `%` (which mUTF-7 never contains in a run). */
export function decodeWildcard(_ctx: unknown, pattern: string, decode: (s: string) => string): string {
  return pattern
    .split(/([*%])/)
    .map((piece) => (piece === '*' || piece === '%' || piece === '' ? piece : decodePiece(piece, decode)))
    .join('');
}

function decodePiece(piece: string, decode: (s: string) => string): string {
  try {
    return decode(piece);
  } catch {
    return piece;
  }
}
