// USER / PASS (RFC 1939 §7) and the login steps shared with AUTH: plaintext passwords only over
// TLS (or loopback when configured), the shared authenticator and its failed-login limiter, the
// per-user session limit, then the INBOX snapshot for the TRANSACTION state.
import type { Account } from '../../../directory/accounts.js';
import { mailboxUids, rowsForUids } from '../../../store/message-rows.js';
import { err, Maildrop, ok, type Pop3CommandSpec, type Pop3Context, type Pop3Result } from '../session.js';

export async function passwordLogin(ctx: Pop3Context, username: string, password: string): Promise<Pop3Result> {
  const { conn, services, session } = ctx;
  if (!conn.plaintextAllowed()) return err('Plaintext authentication disallowed on non-secure connections', 'AUTH');
  const result = await services.authenticator.authenticate({ username, password, ip: conn.remoteAddress, proto: 'pop3', cid: conn.cid });
  if (!result.ok) {
    if (result.reason === 'locked') return err('Too many failed logins; try again later', 'SYS/TEMP');
    return err('Authentication failed', 'AUTH');
  }
  return openMaildrop(ctx, result.account, session);
}

async function openMaildrop(ctx: Pop3Context, account: Account, session: Pop3Context['session']): Promise<Pop3Result> {
  const { store } = ctx.services;
  if (!ctx.services.admitUser(account, ctx.conn.cid)) return err('Too many sessions for this user', 'IN-USE');
  await store.delivery.ensureAccount(account);
  const inbox = store.index.getMailbox(account.id, 'INBOX')!;
  const uids = mailboxUids(store.db, inbox.id);
  const sizes = new Float64Array(uids.length);
  const rows = rowsForUids(store.db, inbox.id, uids);
  const byUid = new Map(rows.map((r) => [r.uid, r.size]));
  uids.forEach((u, i) => (sizes[i] = byUid.get(u) ?? 0));
  session.account = account;
  session.maildrop = new Maildrop(inbox, uids, sizes);
  session.state = 'transaction';
  const { count, size } = session.maildrop.stat();
  return ok(`Logged in; ${count} messages (${size} octets)`);
}

export const userCommand: Pop3CommandSpec<{ name: 'USER'; user: string }> = {
  name: 'USER',
  states: ['authorization'],
  async run({ command, session, conn }) {
    if (!conn.plaintextAllowed()) return err('Plaintext authentication disallowed on non-secure connections', 'AUTH');
    session.user = command.user;
    return ok('Send your password');
  },
};

export const passCommand: Pop3CommandSpec<{ name: 'PASS'; password: string }> = {
  name: 'PASS',
  states: ['authorization'],
  async run(ctx) {
    const user = ctx.session.user;
    ctx.session.user = null;
    if (user === null) return err('Send USER first');
    return passwordLogin(ctx, user, ctx.command.password);
  },
};
