// QUIT (RFC 1939 §6): in TRANSACTION, enter UPDATE and expunge the messages marked deleted
// (files unlinked and their directory fsync'd before the +OK); then close.
import { err, type Pop3CommandSpec } from '../session.js';

export const quitCommand: Pop3CommandSpec<{ name: 'QUIT' }> = {
  name: 'QUIT',
  states: ['authorization', 'transaction'],
  async run({ session, services, log }) {
    const drop = session.maildrop;
    if (session.state === 'transaction' && drop && session.account) {
      session.state = 'update';
      const uids: number[] = [];
      for (let i = 0; i < drop.count; i++) if (drop.deleted[i]) uids.push(drop.uids[i]!);
      if (uids.length > 0) {
        try {
          await services.store.expunge(session.account, drop.mailbox, { uids, onlyDeleted: false });
        } catch (e) {
          log.error({ err: e }, 'POP3 expunge failed');
          return { ...err('Some deleted messages not removed', 'SYS/TEMP'), after: 'close' };
        }
      }
      log.info({ user: session.account.address, deleted: uids.length }, 'pop3 session ended');
    }
    return { ok: true, text: 'Logging out', after: 'close' };
  },
};
