// The STATUS data of a mailbox (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ,
// RFC 7889 APPENDLIMIT), shared by STATUS and LIST-STATUS (RFC 5819).
import { UserError } from '../../../common/errors.js';
import type { Mailbox } from '../../../store/mailbox-index.js';
import { mailboxCounts, recentCount } from '../../../store/message-rows.js';
import type { CommandContext } from '../session.js';

const ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'HIGHESTMODSEQ', 'APPENDLIMIT']);

export function checkStatusItems(items: string[]): void {
  for (const item of items) if (!ITEMS.has(item)) throw new UserError(`Unknown STATUS item ${item.slice(0, 30)}`, 'bad');
}

export function statusData(ctx: CommandContext, mailbox: Mailbox, items: string[]): string {
  const db = ctx.services.store.db;
  const fresh = ctx.services.store.index.mailboxById(mailbox.id) ?? mailbox;
  const counts = items.some((i) => ['MESSAGES', 'UNSEEN', 'DELETED', 'SIZE'].includes(i)) ? mailboxCounts(db, mailbox.id) : null;
  const out: string[] = [];
  for (const item of items) {
    switch (item) {
      case 'MESSAGES':
        out.push(`MESSAGES ${counts!.messages}`);
        break;
      case 'RECENT':
        out.push(`RECENT ${recentCount(db, mailbox.id, fresh.firstRecentUid)}`);
        break;
      case 'UIDNEXT':
        out.push(`UIDNEXT ${fresh.uidNext}`);
        break;
      case 'UIDVALIDITY':
        out.push(`UIDVALIDITY ${fresh.uidValidity}`);
        break;
      case 'UNSEEN':
        out.push(`UNSEEN ${counts!.unseen}`);
        break;
      case 'DELETED':
        out.push(`DELETED ${counts!.deleted}`);
        break;
      case 'SIZE':
        out.push(`SIZE ${counts!.size}`);
        break;
      case 'HIGHESTMODSEQ':
        ctx.session.condstore = true;
        out.push(`HIGHESTMODSEQ ${fresh.highestModseq}`);
        break;
      case 'APPENDLIMIT':
        out.push(`APPENDLIMIT ${ctx.services.config.limits.maxMessageBytes}`);
        break;
    }
  }
  return `(${out.join(' ')})`;
}
