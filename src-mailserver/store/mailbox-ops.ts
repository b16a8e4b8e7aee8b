// Mailbox management for IMAP CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE (RFC 9051
// §6.3.4-6.3.8). Each mailbox is a Maildir++ folder named as Dovecot names it; a rename moves the
// folder and its children's folders and keeps UIDVALIDITY; renaming INBOX moves its messages
// into a new mailbox and leaves INBOX empty (§6.3.6). Subscriptions are names, kept even when
// the mailbox goes away (§6.3.7).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { encodeMutf7 } from '../mail/mutf7.js';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';
import { sql } from '../directory/database.js';
import type { Account } from '../directory/accounts.js';
import { copyMessages } from './copy-move.js';
import { createFolderDirs, folderDir, MAILBOX_SEPARATOR } from './maildir.js';
import type { Mailbox } from './mailbox-index.js';
import { canonicalMailboxName, parentNames, validateNewMailboxName } from './mailbox-names.js';
import { mailboxUids } from './message-rows.js';
import type { StoreContext } from './store-context.js';

function childrenOf(ctx: StoreContext, accountId: number, name: string): Mailbox[] {
  return ctx.index.listMailboxes(accountId).filter((m) => m.name.startsWith(name + MAILBOX_SEPARATOR));
}

export async function createMailbox(ctx: StoreContext, account: Account, name: string, specialUse: string | null = null): Promise<Mailbox> {
  const canonical = validateNewMailboxName(name);
  if (ctx.index.getMailbox(account.id, canonical)) throw new UserError('Mailbox already exists', 'alreadyexists');
  const maildir = ctx.maildirOf(account);
  // RFC 9051 §6.3.4: superior names that are needed are created too.
  for (const parent of parentNames(canonical)) {
    if (ctx.index.getMailbox(account.id, parent)) continue;
    const m = ctx.index.createMailbox(account.id, parent);
    await createFolderDirs(maildir, m.dir);
    ctx.changes.publish({ type: 'mailbox', accountId: account.id, mailboxId: m.id, action: 'create' });
  }
  const mailbox = ctx.index.createMailbox(account.id, canonical, specialUse);
  await createFolderDirs(maildir, mailbox.dir);
  ctx.changes.publish({ type: 'mailbox', accountId: account.id, mailboxId: mailbox.id, action: 'create' });
  return mailbox;
}

export async function deleteMailbox(ctx: StoreContext, account: Account, name: string): Promise<void> {
  const mailbox = ctx.index.getMailbox(account.id, name);
  if (!mailbox) throw new UserError("Mailbox doesn't exist", 'nonexistent');
  if (mailbox.name === 'INBOX') throw new UserError('INBOX can not be deleted', 'cannot');
  if (childrenOf(ctx, account.id, mailbox.name).length > 0) throw new UserError('Mailbox has children, delete them first', 'inuse');
  await ctx.locks.exclusive(mailbox.id, async () => {
    await rm(join(ctx.maildirOf(account), mailbox.dir), { recursive: true, force: true });
    sql(ctx.db, 'DELETE FROM mailboxes WHERE id = ?').run(mailbox.id);
  });
  ctx.changes.publish({ type: 'mailbox', accountId: account.id, mailboxId: mailbox.id, action: 'delete' });
}

export async function renameMailbox(ctx: StoreContext, account: Account, from: string, to: string): Promise<void> {
  const source = ctx.index.getMailbox(account.id, from);
  if (!source) throw new UserError("Mailbox doesn't exist", 'nonexistent');
  const target = validateNewMailboxName(to);
  if (ctx.index.getMailbox(account.id, target)) throw new UserError('Mailbox already exists', 'alreadyexists');
  if (source.name === 'INBOX') {
    const created = await createMailbox(ctx, account, target);
    await copyMessages(ctx, account, source, mailboxUids(ctx.db, source.id), created, true);
    return;
  }
  if (target.startsWith(source.name + MAILBOX_SEPARATOR)) throw new UserError("Can't rename mailbox under itself", 'cannot');
  const moving = [source, ...childrenOf(ctx, account.id, source.name)];
  for (const m of moving) {
    const newName = target + m.name.slice(source.name.length);
    validateNewMailboxName(newName);
    if (ctx.index.getMailbox(account.id, newName)) throw new UserError('Mailbox already exists', 'alreadyexists');
  }
  const maildir = ctx.maildirOf(account);
  for (const parent of parentNames(target)) {
    if (ctx.index.getMailbox(account.id, parent)) continue;
    const m = ctx.index.createMailbox(account.id, parent);
    await createFolderDirs(maildir, m.dir);
  }
  await ctx.locks.many(
    moving.map((m) => ({ id: m.id, exclusive: true })),
    async () => {
      const done: { from: string; to: string }[] = [];
      try {
        for (const m of moving) {
          const newName = target + m.name.slice(source.name.length);
          const step = { from: join(maildir, m.dir), to: join(maildir, folderDir(newName)) };
          await rename(step.from, step.to);
          done.push(step);
        }
      } catch (err) {
        for (const step of done.reverse()) await rename(step.to, step.from).catch(() => undefined);
        throw err;
      }
      ctx.db.transaction(() => {
        const upd = sql(ctx.db, 'UPDATE mailboxes SET name = ?, dir = ? WHERE id = ?');
        const sub = sql(ctx.db, 'UPDATE OR IGNORE subscriptions SET name = ? WHERE account_id = ? AND name = ?');
        for (const m of moving) {
          const newName = target + m.name.slice(source.name.length);
          upd.run(newName, folderDir(newName), m.id);
          sub.run(newName, account.id, m.name);
        }
      })();
    },
  );
  await writeSubscriptionsFile(ctx, account);
  for (const m of moving) ctx.changes.publish({ type: 'mailbox', accountId: account.id, mailboxId: m.id, action: 'rename' });
}

export async function subscribe(ctx: StoreContext, account: Account, name: string): Promise<void> {
  sql(ctx.db, 'INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(account.id, canonicalMailboxName(name));
  await writeSubscriptionsFile(ctx, account);
}

export async function unsubscribe(ctx: StoreContext, account: Account, name: string): Promise<boolean> {
  const removed = sql(ctx.db, 'DELETE FROM subscriptions WHERE account_id = ? AND name = ?').run(account.id, canonicalMailboxName(name)).changes > 0;
  await writeSubscriptionsFile(ctx, account);
  return removed;
}

/**
 * Mirror the subscriptions into the Maildir's `subscriptions` file in Dovecot's version 2 format
 * (`V<TAB>2`, a blank line, then one name per line in modified UTF-7 with TAB between hierarchy
 * levels), so Dovecot on the same Maildir lists the same subscriptions.
 */
export async function writeSubscriptionsFile(ctx: StoreContext, account: Account): Promise<void> {
  const names = [...subscriptions(ctx, account)].filter((n) => !/[\x00-\x1f]/.test(n)).sort();
  const text = 'V\t2\n\n' + names.map((n) => n.split(MAILBOX_SEPARATOR).map(encodeMutf7).join('\t') + '\n').join('');
  const dir = ctx.maildirOf(account);
  const tmp = join(dir, `.subscriptions.${process.pid}.tmp`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, join(dir, 'subscriptions'));
}

export function subscriptions(ctx: StoreContext, account: Account): Set<string> {
  const rows = sql(ctx.db, 'SELECT name FROM subscriptions WHERE account_id = ?').all(account.id) as { name: string }[];
  return new Set(rows.map((r) => r.name));
}
