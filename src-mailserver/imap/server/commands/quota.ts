// QUOTA (RFC 9208): one quota root "" per account, with STORAGE (in KiB) and MESSAGE
// resources when the account has limits. SETQUOTA is for the administrator, not clients.
import type { Account } from '../../../directory/accounts.js';
import { astring } from '../../protocol/compose.js';
import { accountOf, requireMailbox } from '../mailbox-access.js';
import { encodeMailboxName } from '../mailbox-name.js';
import { no, ok, type CommandContext, type CommandSpec } from '../session.js';

function quotaLine(ctx: CommandContext, account: Account): string | null {
  const usage = ctx.services.store.index.accountUsage(account.id);
  const resources: string[] = [];
  if (account.quotaBytes !== null) resources.push(`STORAGE ${Math.ceil(usage.bytes / 1024)} ${Math.floor(account.quotaBytes / 1024)}`);
  if (account.quotaMessages !== null) resources.push(`MESSAGE ${usage.messages} ${account.quotaMessages}`);
  return resources.length ? `* QUOTA "" (${resources.join(' ')})\r\n` : null;
}

export const getQuotaRootCommand: CommandSpec<{ name: 'GETQUOTAROOT'; mailbox: string }> = {
  name: 'GETQUOTAROOT',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const account = accountOf(ctx);
    const mailbox = requireMailbox(ctx, ctx.command.mailbox);
    const line = quotaLine(ctx, account);
    const name = astring(encodeMailboxName(mailbox.name, ctx.session.utf8), ctx.session.utf8);
    await ctx.conn.send(`* QUOTAROOT ${name}${line ? ' ""' : ''}\r\n${line ?? ''}`);
    return ok('Getquotaroot completed.');
  },
};

export const getQuotaCommand: CommandSpec<{ name: 'GETQUOTA'; root: string }> = {
  name: 'GETQUOTA',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const line = ctx.command.root === '' ? quotaLine(ctx, accountOf(ctx)) : null;
    if (!line) return no('Quota root does not exist.', 'NONEXISTENT');
    await ctx.conn.send(line);
    return ok('Getquota completed.');
  },
};

export const setQuotaCommand: CommandSpec<{ name: 'SETQUOTA'; root: string }> = {
  name: 'SETQUOTA',
  states: ['authenticated', 'selected'],
  async run() {
    return no('Quotas are set by the administrator.', 'NOPERM');
  },
};
