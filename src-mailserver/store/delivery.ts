// Local delivery into Maildir++: hard-link the fsync'd spool file into each target's new/,
// fsync each directory once per group commit, then commit the index rows and announce the new
// messages on the change bus. Only after this resolves may a client be told the mail is safe.
// Results are per target, as LMTP reports them: one full mailbox does not fail the others.
import { link, mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Account } from '../directory/accounts.js';
import type { ChangeBus } from './changes.js';
import type { DirSyncer } from './dir-sync.js';
import { createFolderDirs, accountMaildir, newMessageFileName, storedFileName } from './maildir.js';
import { DEFAULT_MAILBOXES, type MailboxIndex, type Mailbox } from './mailbox-index.js';
import type { SpooledMessage } from './spool.js';

export interface DeliveryTarget {
  account: Account;
  /** Mailbox name; INBOX when absent. */
  mailbox?: string;
  /** System flag mask (see maildir.ts Flag); a flagged message goes to cur/. */
  flags?: number;
}

export type DeliveryOutcome =
  | { target: DeliveryTarget; ok: true; mailboxId: number; uid: number }
  | { target: DeliveryTarget; ok: false; reason: 'quota' | 'error'; error?: unknown };

export class LocalDelivery {
  constructor(
    private readonly dataDir: string,
    private readonly index: MailboxIndex,
    private readonly changes: ChangeBus,
    private readonly dirSync: DirSyncer,
    private readonly log: Logger,
  ) {}

  maildirOf(account: Account): string {
    return accountMaildir(this.dataDir, account.domain, account.localPart);
  }

  /** Create the account's Maildir, its default folders and their mailbox rows (idempotent). */
  async ensureAccount(account: Account): Promise<void> {
    const maildir = this.maildirOf(account);
    for (const { name, specialUse } of DEFAULT_MAILBOXES) {
      const mailbox = this.index.createMailbox(account.id, name, specialUse);
      await createFolderDirs(maildir, mailbox.dir);
    }
  }

  private async mailboxFor(target: DeliveryTarget): Promise<Mailbox> {
    const name = target.mailbox ?? 'INBOX';
    const existing = this.index.getMailbox(target.account.id, name);
    if (existing) return existing;
    if (name === 'INBOX' || DEFAULT_MAILBOXES.some((m) => m.name === name)) {
      await this.ensureAccount(target.account);
      return this.index.getMailbox(target.account.id, name)!;
    }
    const mailbox = this.index.createMailbox(target.account.id, name);
    await createFolderDirs(this.maildirOf(target.account), mailbox.dir);
    return mailbox;
  }

  private overQuota(account: Account, size: number): boolean {
    if (account.quotaBytes === null && account.quotaMessages === null) return false;
    const usage = this.index.accountUsage(account.id);
    if (account.quotaBytes !== null && usage.bytes + size > account.quotaBytes) return true;
    if (account.quotaMessages !== null && usage.messages + 1 > account.quotaMessages) return true;
    return false;
  }

  async deliver(spool: SpooledMessage, targets: DeliveryTarget[], internalDate = Date.now()): Promise<DeliveryOutcome[]> {
    const placed: { target: DeliveryTarget; mailbox: Mailbox; base: string; subdir: 'new' | 'cur'; dir: string }[] = [];
    const outcomes = new Map<DeliveryTarget, DeliveryOutcome>();
    await Promise.all(
      targets.map(async (target) => {
        try {
          if (this.overQuota(target.account, spool.size)) {
            outcomes.set(target, { target, ok: false, reason: 'quota' });
            return;
          }
          const mailbox = await this.mailboxFor(target);
          const flags = target.flags ?? 0;
          const subdir = flags ? 'cur' : 'new';
          const base = newMessageFileName(spool.size);
          const dir = join(this.maildirOf(target.account), mailbox.dir, subdir);
          const file = join(dir, storedFileName(base, subdir, flags));
          try {
            await link(spool.path, file);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            await mkdir(dir, { recursive: true, mode: 0o700 });
            await link(spool.path, file);
          }
          placed.push({ target, mailbox, base, subdir, dir });
        } catch (error) {
          this.log.error({ err: error, account: target.account.address }, 'maildir delivery failed');
          outcomes.set(target, { target, ok: false, reason: 'error', error });
        }
      }),
    );
    // One fsync per distinct directory, shared with concurrent deliveries (group commit).
    const dirs = [...new Set(placed.map((p) => p.dir))];
    const synced = await Promise.allSettled(dirs.map((d) => this.dirSync.sync(d)));
    const failedDirs = new Set(dirs.filter((_, i) => synced[i]!.status === 'rejected'));
    const durable = placed.filter((p) => {
      if (!failedDirs.has(p.dir)) return true;
      outcomes.set(p.target, { target: p.target, ok: false, reason: 'error', error: new Error('directory fsync failed') });
      void unlink(this.fileOf(p)).catch(() => undefined);
      return false;
    });
    if (durable.length > 0) {
      try {
        const assigned = this.index.addMessages(
          durable.map((p) => ({
            mailboxId: p.mailbox.id,
            filename: p.base,
            subdir: p.subdir,
            size: spool.size,
            internalDate,
            flags: p.target.flags ?? 0,
          })),
        );
        durable.forEach((p, i) => {
          const a = assigned[i]!;
          outcomes.set(p.target, { target: p.target, ok: true, mailboxId: a.mailboxId, uid: a.uid });
          this.changes.publish({ type: 'append', accountId: p.target.account.id, mailboxId: a.mailboxId, uid: a.uid, modseq: a.modseq });
        });
      } catch (error) {
        // Take the files back so the client's retry does not make a duplicate; any that stay
        // (unlink failing too) are indexed by start-up reconciliation, so nothing is lost.
        this.log.error({ err: error }, 'index commit failed');
        for (const p of durable) {
          outcomes.set(p.target, { target: p.target, ok: false, reason: 'error', error });
          await unlink(this.fileOf(p)).catch(() => undefined);
        }
      }
    }
    return targets.map((t) => outcomes.get(t)!);
  }

  private fileOf(p: { dir: string; base: string; subdir: 'new' | 'cur'; target: DeliveryTarget }): string {
    return join(p.dir, storedFileName(p.base, p.subdir, p.target.flags ?? 0));
  }
}
