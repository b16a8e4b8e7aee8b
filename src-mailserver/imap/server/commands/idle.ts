// IDLE (RFC 2177, RFC 9051 §6.3.13): wait for DONE, sending mailbox changes as they happen.
// Changes arrive on the store's change bus (SMTP deliveries, other sessions' APPEND, STORE,
// EXPUNGE); the view then reads what changed from the index. Also valid with no mailbox
// selected (Outlook does that), when there is simply nothing to report.
import { accountOf } from '../mailbox-access.js';
import { bad, ok, type CommandSpec } from '../session.js';

export const idleCommand: CommandSpec<{ name: 'IDLE' }> = {
  name: 'IDLE',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const { session, conn, services } = ctx;
    const account = accountOf(ctx);
    const result = await conn.idle(
      async () => {
        const view = session.selected;
        if (!view) return;
        for (const line of view.sync(session.syncOptions(true))) await conn.send(line + '\r\n');
      },
      (wake) =>
        services.store.changes.subscribe(account.id, (change) => {
          if (session.selected && change.mailboxId === session.selected.mailbox.id) wake();
        }),
    );
    if (result === 'bad') return bad('Expected DONE.');
    return ok('Idle completed.');
  },
};
