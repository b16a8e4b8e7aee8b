// RETR and TOP (RFC 1939 §5, §7): the stored message streamed with dot-stuffing and CRLF line
// ends; TOP sends the header and the first n body lines. RETR marks the message \Seen, as
// Dovecot does, so IMAP clients of the same mailbox see it read.
import type { Account } from '../../../directory/accounts.js';
import { Flag } from '../../../store/maildir.js';
import type { Mailbox } from '../../../store/mailbox-index.js';
import { rowByUid } from '../../../store/message-rows.js';
import type { MessageStore } from '../../../store/message-store.js';
import { DotStuffer } from '../../protocol/dot-stuff.js';
import { err, type Pop3CommandSpec, type Pop3Context, type Pop3Result } from '../session.js';

async function* messageBody(store: MessageStore, account: Account, mailbox: Mailbox, uid: number, maxBodyLines?: number): AsyncIterable<Buffer> {
  const stuffer = new DotStuffer(maxBodyLines);
  const row = rowByUid(store.db, mailbox.id, uid);
  const fh = row ? await store.openMessage(account, mailbox, row) : null;
  if (fh) {
    try {
      for await (const chunk of fh.createReadStream({ highWaterMark: 64 * 1024, autoClose: false })) {
        const out = stuffer.push(chunk as Buffer);
        if (out.length) yield out;
        if (stuffer.done) break;
      }
    } finally {
      await fh.close();
    }
  }
  yield stuffer.end();
}

async function send(ctx: Pop3Context<{ name: 'RETR'; msg: number } | { name: 'TOP'; msg: number; lines: number }>, maxBodyLines?: number): Promise<Pop3Result> {
  const { session, services } = ctx;
  const drop = session.maildrop!;
  const i = drop.index(ctx.command.msg);
  if (i < 0) return err('No such message');
  const uid = drop.uids[i]!;
  const row = rowByUid(services.store.db, drop.mailbox.id, uid);
  if (!row) return err('Message was removed by another session', 'SYS/TEMP');
  if (maxBodyLines === undefined && !(row.flags & Flag.Seen)) {
    await services.store.updateFlags(session.account!, drop.mailbox, [uid], { op: 'add', flags: Flag.Seen, keywords: [] });
  }
  return { ok: true, text: `${drop.sizes[i]} octets`, body: messageBody(services.store, session.account!, drop.mailbox, uid, maxBodyLines) };
}

export const retrCommand: Pop3CommandSpec<{ name: 'RETR'; msg: number }> = {
  name: 'RETR',
  states: ['transaction'],
  run: (ctx) => send(ctx),
};

export const topCommand: Pop3CommandSpec<{ name: 'TOP'; msg: number; lines: number }> = {
  name: 'TOP',
  states: ['transaction'],
  run: (ctx) => send(ctx, ctx.command.lines),
};
