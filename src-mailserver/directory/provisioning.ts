// Creating domains and accounts with everything that must come with them, shared by the CLI and
// the admin API: a new domain gets its DKIM keys in the same transaction (RFC 6376, RFC 8463); a
// new account gets its Maildir and default folders, and is removed again if they cannot be made.
import { rm } from 'node:fs/promises';
import { DkimKeyStore } from '../auth/dkim-keys.js';
import { hashPassword } from '../auth/passwords.js';
import { UserError } from '../common/errors.js';
import type { MessageStore } from '../store/message-store.js';
import { AccountTable, type Account } from './accounts.js';
import type { Directory } from './directory.js';
import type { Domain } from './domains.js';

/** Add a local domain and its first RSA and Ed25519 DKIM keys, all or nothing. */
export function addDomainWithKeys(directory: Directory, name: string): Domain {
  return directory.db.transaction(() => {
    const added = directory.domains.add(name);
    new DkimKeyStore(directory.db).ensureForDomain(added.name);
    return added;
  })();
}

/** A password a user chose for a new account or a change: one line, not empty. */
export function checkNewPassword(password: string): void {
  if (!password) throw new UserError('empty password');
  if (/[\r\n\0]/.test(password)) throw new UserError('the password must be a single line');
}

export interface NewAccountInput {
  address: string;
  password: string;
  quotaBytes?: number | null;
  quotaMessages?: number | null;
}

/** Add an account with its Maildir and default folders; nothing is left behind on failure. */
export async function addAccountWithMaildir(directory: Directory, store: MessageStore, input: NewAccountInput): Promise<Account> {
  AccountTable.parseNew(input.address);
  checkNewPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const account = directory.accounts.add({
    address: input.address,
    passwordHash,
    quotaBytes: input.quotaBytes ?? null,
    quotaMessages: input.quotaMessages ?? null,
  });
  try {
    await store.delivery.ensureAccount(account);
  } catch (err) {
    directory.accounts.remove(account.address);
    await rm(store.maildirOf(account), { recursive: true, force: true }).catch(() => undefined);
    throw new UserError(`cannot create the Maildir for ${account.address}: ${(err as Error).message}`);
  }
  return account;
}
