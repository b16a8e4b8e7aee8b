// LOGIN (RFC 9051 §6.2.3) and the steps every successful login shares: plaintext passwords only
// over TLS (or from loopback when configured, RFC 9051 §11.1: LOGINDISABLED otherwise), the
// shared authenticator with its failed-login limiter, the per-user connection limit, then the
// authenticated state with the new CAPABILITY list in the tagged OK.
import type { Account } from '../../../directory/accounts.js';
import { capabilities } from '../capabilities.js';
import { no, ok, type CommandContext, type CommandResult, type CommandSpec } from '../session.js';

export async function passwordLogin(ctx: CommandContext, username: string, password: string): Promise<CommandResult> {
  const { conn, services } = ctx;
  if (!conn.capabilityState(ctx.session).plaintextAllowed) return no('Plaintext authentication disallowed on non-secure connections.', 'PRIVACYREQUIRED');
  const result = await services.authenticator.authenticate({ username, password, ip: conn.remoteAddress, proto: 'imap', cid: conn.cid });
  if (!result.ok) {
    if (result.reason === 'locked') return no('Too many failed logins; try again later.', 'UNAVAILABLE');
    return no('Authentication failed.', 'AUTHENTICATIONFAILED');
  }
  return completeLogin(ctx, result.account);
}

export function completeLogin(ctx: CommandContext, account: Account): CommandResult {
  if (!ctx.services.admitUser(account, ctx.conn.cid)) return no('Too many connections for this user.', 'LIMIT');
  ctx.session.account = account;
  ctx.session.state = 'authenticated';
  const caps = capabilities(ctx.conn.capabilityState(ctx.session)).join(' ');
  return ok('Logged in.', `CAPABILITY ${caps}`);
}

export const loginCommand: CommandSpec<{ name: 'LOGIN'; username: string; password: string }> = {
  name: 'LOGIN',
  states: ['notAuthenticated'],
  run(ctx) {
    return passwordLogin(ctx, ctx.command.username, ctx.command.password);
  },
};
