// Looking up the logged-in user's mailboxes by wire name. A user reaches only their own
// mailboxes: lookups are by (account, name) in the index, never by path, and an unknown name is
// "Mailbox doesn't exist" whatever the reason.
import { UserError } from '../../common/errors.js';
import type { Mailbox } from '../../store/mailbox-index.js';
import { decodeMailboxName } from './mailbox-name.js';
import type { CommandContext } from './session.js';
import { SYSTEM_FLAGS } from './flags.js';

export function accountOf(ctx: CommandContext) {
  const account = ctx.session.account;
  if (!account) throw new Error('no account in an authenticated state');
  return account;
}

export function mailboxName(ctx: CommandContext, wire: string): string {
  return decodeMailboxName(wire, ctx.session.utf8);
}

export function findMailbox(ctx: CommandContext, wire: string): Mailbox | undefined {
  return ctx.services.store.index.getMailbox(accountOf(ctx).id, mailboxName(ctx, wire));
}

export function requireMailbox(ctx: CommandContext, wire: string, code: 'nonexistent' | 'trycreate' = 'nonexistent'): Mailbox {
  const mailbox = findMailbox(ctx, wire);
  if (!mailbox) throw new UserError("Mailbox doesn't exist: " + wire.slice(0, 100), code);
  return mailbox;
}

/** The FLAGS list of a mailbox: system flags plus its keywords. */
export function mailboxFlags(ctx: CommandContext, mailbox: Mailbox): string {
  return [...SYSTEM_FLAGS, ...ctx.services.store.keywords.list(mailbox.id)].join(' ');
}
