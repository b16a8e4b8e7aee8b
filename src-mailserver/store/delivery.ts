// Local delivery into Maildir++: hard-link the fsync'd spool file into each target's new/ (or
// cur/ with flags), fsync each directory once per group commit, then commit the index rows (with
// the MIME structure and search fields, parsed once here) and announce the new messages on the
// change bus. Only after this resolves may a client be told the mail is safe (a 250 to DATA, a
// tagged OK to APPEND). Results are per target, as LMTP reports them.
import { link, mkdir, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Account } from '../directory/accounts.js';
import { sql } from '../directory/database.js';
import { createFolderDirs, flagLetters, newMessageFileName } from './maildir.js';
import { DEFAULT_MAILBOXES, type Mailbox } from './mailbox-index.js';
import { computeMeta, type MessageMetaInput } from './message-meta.js';
import { keywordColumn } from './keywords.js';
import { writeSubscriptionsFile } from './mailbox-ops.js';
import type { SpooledMessage } from './spool.js';
import { folderPathOf, type StoreContext } from './store-context.js';

export interface DeliveryTarget {
  account: Account;
  /** Mailbox name; INBOX when absent. */
  mailbox?: string;
  /** System flag mask (see maildir.ts Flag); a flagged message goes to cur/. */
  flags?: number;
  /** Keywords (APPEND); they go into the name's `:2,` letters as dovecot-keywords maps them. */
  keywords?: string[];
}

export type DeliveryOutcome =
  | { target: DeliveryTarget; ok: true; mailboxId: number; uid: number; uidValidity: number }
  | { target: DeliveryTarget; ok: false; reason: 'quota' | 'error'; error?: unknown };

interface Placed {
  target: DeliveryTarget;
  mailbox: Mailbox;
  base: string;
  subdir: 'new' | 'cur';
  letters: string | null;
  keywords: string[];
  dir: string;
}

export class LocalDelivery {
  constructor(private readonly ctx: StoreContext) {}

  maildirOf(account: Account): string {
    return this.ctx.maildirOf(account);
  }

  /** Create the account's Maildir, its default folders and their mailbox rows (idempotent). */
  async ensureAccount(account: Account): Promise<void> {
    const maildir = this.maildirOf(account);
    let subscribed = false;
    for (const { name, specialUse } of DEFAULT_MAILBOXES) {
      const existed = this.ctx.index.getMailbox(account.id, name) !== undefined;
      const mailbox = this.ctx.index.createMailbox(account.id, name, specialUse);
      if (!existed) subscribed = sql(this.ctx.db, 'INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(account.id, mailbox.name).changes > 0 || subscribed;
      await createFolderDirs(maildir, mailbox.dir);
    }
    if (subscribed) await writeSubscriptionsFile(this.ctx, account);
  }

  private async mailboxFor(target: DeliveryTarget): Promise<Mailbox> {
    const name = target.mailbox ?? 'INBOX';
    const existing = this.ctx.index.getMailbox(target.account.id, name);
    if (existing) return existing;
    if (name.toUpperCase() === 'INBOX' || DEFAULT_MAILBOXES.some((m) => m.name === name)) {
      await this.ensureAccount(target.account);
      return this.ctx.index.getMailbox(target.account.id, name)!;
    }
    const mailbox = this.ctx.index.createMailbox(target.account.id, name);
    await createFolderDirs(this.maildirOf(target.account), mailbox.dir);
    return mailbox;
  }

  private overQuota(account: Account, size: number): boolean {
    if (account.quotaBytes === null && account.quotaMessages === null) return false;
    const usage = this.ctx.index.accountUsage(account.id);
    if (account.quotaBytes !== null && usage.bytes + size > account.quotaBytes) return true;
    if (account.quotaMessages !== null && usage.messages + 1 > account.quotaMessages) return true;
    return false;
  }

  async deliver(spool: SpooledMessage, targets: DeliveryTarget[], internalDate = Date.now()): Promise<DeliveryOutcome[]> {
    const outcomes = new Map<DeliveryTarget, DeliveryOutcome>();
    // Dovecot reads INTERNALDATE from the file's mtime (the links share the inode): set while the
    // mailboxes are looked up and linked, and awaited before the directory fsync.
    const seconds = internalDate / 1000;
    const touched = utimes(spool.path, seconds, seconds).then(
      () => null,
      (err: unknown) => err,
    );
    let meta: MessageMetaInput | undefined;
    try {
      meta = spool.meta ?? (await computeMeta(spool.path));
    } catch (error) {
      this.ctx.log.error({ err: error }, 'cannot read the spooled message');
      return targets.map((target) => ({ target, ok: false, reason: 'error', error }));
    }
    const mailboxes = new Map<DeliveryTarget, Mailbox>();
    for (const target of targets) {
      try {
        if (this.overQuota(target.account, spool.size)) outcomes.set(target, { target, ok: false, reason: 'quota' });
        else mailboxes.set(target, await this.mailboxFor(target));
      } catch (error) {
        this.ctx.log.error({ err: error, account: target.account.address }, 'maildir delivery failed');
        outcomes.set(target, { target, ok: false, reason: 'error', error });
      }
    }
    const locks = [...mailboxes.values()].map((m) => ({ id: m.id, exclusive: false }));
    await this.ctx.locks.many(locks, () => this.place(spool, mailboxes, outcomes, meta!, internalDate, touched));
    return targets.map((t) => outcomes.get(t)!);
  }

  private async place(
    spool: SpooledMessage,
    mailboxes: Map<DeliveryTarget, Mailbox>,
    outcomes: Map<DeliveryTarget, DeliveryOutcome>,
    meta: MessageMetaInput,
    internalDate: number,
    touched: Promise<unknown>,
  ): Promise<void> {
    const placed: Placed[] = [];
    await Promise.all(
      [...mailboxes].map(async ([target, mailbox]) => {
        try {
          const flags = target.flags ?? 0;
          let keywords: string[] = [];
          let kwLetters = '';
          const folder = folderPathOf(this.ctx, target.account, mailbox);
          if (target.keywords && target.keywords.length > 0) {
            const ensured = this.ctx.keywords.ensure(mailbox.id, target.keywords);
            keywords = ensured.names;
            if (ensured.added) await this.ctx.keywords.writeFile(folder, mailbox.id);
            kwLetters = this.ctx.keywords.letters(mailbox.id, keywords);
          }
          const subdir = flags || keywords.length ? 'cur' : 'new';
          const letters = subdir === 'cur' ? flagLetters(flags) + kwLetters : null;
          const base = newMessageFileName(spool.size);
          const dir = join(folder, subdir);
          const file = join(dir, subdir === 'cur' ? `${base}:2,${letters}` : base);
          try {
            await link(spool.path, file);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            await mkdir(dir, { recursive: true, mode: 0o700 });
            await link(spool.path, file);
          }
          placed.push({ target, mailbox, base, subdir, letters, keywords, dir });
        } catch (error) {
          this.ctx.log.error({ err: error, account: target.account.address }, 'maildir delivery failed');
          outcomes.set(target, { target, ok: false, reason: 'error', error });
        }
      }),
    );
    const touchError = await touched;
    if (touchError) {
      this.ctx.log.error({ err: touchError }, 'cannot set the message file time');
      for (const p of placed.splice(0)) {
        outcomes.set(p.target, { target: p.target, ok: false, reason: 'error', error: touchError });
        await unlink(this.fileOf(p)).catch(() => undefined);
      }
      return;
    }
    // One fsync per distinct directory, shared with concurrent deliveries (group commit).
    const dirs = [...new Set(placed.map((p) => p.dir))];
    const synced = await Promise.allSettled(dirs.map((d) => this.ctx.dirSync.sync(d)));
    const failedDirs = new Set(dirs.filter((_, i) => synced[i]!.status === 'rejected'));
    const durable = placed.filter((p) => {
      if (!failedDirs.has(p.dir)) return true;
      outcomes.set(p.target, { target: p.target, ok: false, reason: 'error', error: new Error('directory fsync failed') });
      void unlink(this.fileOf(p)).catch(() => undefined);
      return false;
    });
    if (durable.length === 0) return;
    try {
      const assigned = this.ctx.index.addMessages(
        durable.map((p) => ({
          mailboxId: p.mailbox.id,
          filename: p.base,
          subdir: p.subdir,
          size: spool.size,
          internalDate,
          flags: p.target.flags ?? 0,
          keywords: keywordColumn(p.keywords),
          letters: p.letters,
          meta,
        })),
      );
      durable.forEach((p, i) => {
        const a = assigned[i]!;
        outcomes.set(p.target, { target: p.target, ok: true, mailboxId: a.mailboxId, uid: a.uid, uidValidity: p.mailbox.uidValidity });
        this.ctx.changes.publish({ type: 'append', accountId: p.target.account.id, mailboxId: a.mailboxId, uid: a.uid, modseq: a.modseq });
      });
    } catch (error) {
      // Take the files back so the client's retry does not make a duplicate; any that stay
      // (unlink failing too) are indexed by start-up reconciliation, so nothing is lost.
      this.ctx.log.error({ err: error }, 'index commit failed');
      for (const p of durable) {
        outcomes.set(p.target, { target: p.target, ok: false, reason: 'error', error });
        await unlink(this.fileOf(p)).catch(() => undefined);
      }
    }
  }

  private fileOf(p: Placed): string {
    return join(p.dir, p.subdir === 'cur' ? `${p.base}:2,${p.letters}` : p.base);
  }
}
