// Accounts: one mailbox owner per address on a local domain, with a password hash (see
// auth/passwords.ts), optional quota (bytes and messages) and a disabled flag.
import { UserError } from '../common/errors.js';
import { isValidNewLocalPart, normalizeLocalPart, parseAddress } from '../mail/address.js';
import { sql, type Db } from './database.js';

export interface Account {
  id: number;
  domainId: number;
  /** ASCII domain. */
  domain: string;
  /** Normalised (NFC, lower-case) local part; also the Maildir folder name. */
  localPart: string;
  /** `localPart@domain`. */
  address: string;
  passwordHash: string;
  quotaBytes: number | null;
  quotaMessages: number | null;
  disabled: boolean;
  createdAt: number;
}

interface AccountRow {
  id: number;
  domain_id: number;
  domain: string;
  local_part: string;
  password_hash: string;
  quota_bytes: number | null;
  quota_messages: number | null;
  disabled: number;
  created_at: number;
}

const SELECT = `SELECT a.id, a.domain_id, d.name AS domain, a.local_part, a.password_hash, a.quota_bytes,
  a.quota_messages, a.disabled, a.created_at FROM accounts a JOIN domains d ON d.id = a.domain_id`;

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  domainId: r.domain_id,
  domain: r.domain,
  localPart: r.local_part,
  address: `${r.local_part}@${r.domain}`,
  passwordHash: r.password_hash,
  quotaBytes: r.quota_bytes,
  quotaMessages: r.quota_messages,
  disabled: r.disabled !== 0,
  createdAt: r.created_at,
});

export interface NewAccount {
  address: string;
  passwordHash: string;
  quotaBytes?: number | null;
  quotaMessages?: number | null;
}

export class AccountTable {
  constructor(private readonly db: Db) {}

  /** Validate an address typed by a user for a new account or alias: `{local, domain}` normalised. */
  static parseNew(input: string): { local: string; domain: string } {
    const addr = parseAddress(input);
    if (!addr || !isValidNewLocalPart(addr.local)) throw new UserError(`invalid address: ${JSON.stringify(input)}`);
    return { local: normalizeLocalPart(addr.local), domain: addr.domain };
  }

  add(input: NewAccount): Account {
    const { local, domain } = AccountTable.parseNew(input.address);
    if (!input.passwordHash) throw new UserError('empty password');
    return this.db.transaction(() => {
      const d = sql(this.db, 'SELECT id FROM domains WHERE name = ?').get(domain) as { id: number } | undefined;
      if (!d) throw new UserError(`domain ${domain} is not a local domain; add it first`, 'not_found');
      if (this.find(local, domain)) throw new UserError(`account already exists: ${local}@${domain}`, 'exists');
      const alias = sql(this.db, 'SELECT 1 FROM aliases WHERE domain_id = ? AND local_part = ?').get(d.id, local);
      if (alias) throw new UserError(`an alias already uses ${local}@${domain}`, 'exists');
      const info = sql(this.db, 
          `INSERT INTO accounts (domain_id, local_part, display_local, password_hash, quota_bytes, quota_messages, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(d.id, local, local, input.passwordHash, input.quotaBytes ?? null, input.quotaMessages ?? null, Date.now());
      return this.byId(Number(info.lastInsertRowid))!;
    })();
  }

  remove(input: string): Account {
    const account = this.get(input);
    if (!account) throw new UserError(`no such account: ${input}`, 'not_found');
    sql(this.db, 'DELETE FROM accounts WHERE id = ?').run(account.id);
    return account;
  }

  setPasswordHash(input: string, passwordHash: string): void {
    if (!passwordHash) throw new UserError('empty password');
    const account = this.get(input);
    if (!account) throw new UserError(`no such account: ${input}`, 'not_found');
    sql(this.db, 'UPDATE accounts SET password_hash = ? WHERE id = ?').run(passwordHash, account.id);
  }

  setQuota(input: string, quotaBytes: number | null, quotaMessages: number | null): void {
    const account = this.get(input);
    if (!account) throw new UserError(`no such account: ${input}`, 'not_found');
    sql(this.db, 'UPDATE accounts SET quota_bytes = ?, quota_messages = ? WHERE id = ?').run(quotaBytes, quotaMessages, account.id);
  }

  setDisabled(input: string, disabled: boolean): void {
    const account = this.get(input);
    if (!account) throw new UserError(`no such account: ${input}`, 'not_found');
    sql(this.db, 'UPDATE accounts SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, account.id);
  }

  list(domain?: string): Account[] {
    const rows = domain
      ? (sql(this.db, `${SELECT} WHERE d.name = ? ORDER BY d.name, a.local_part`).all(domain) as AccountRow[])
      : (sql(this.db, `${SELECT} ORDER BY d.name, a.local_part`).all() as AccountRow[]);
    return rows.map(toAccount);
  }

  /** Look up by an address as typed (case-insensitive local part, any domain form). */
  get(input: string): Account | undefined {
    const addr = parseAddress(input);
    return addr ? this.find(normalizeLocalPart(addr.local), addr.domain) : undefined;
  }

  /** Look up by normalised local part and ASCII domain. */
  find(localPart: string, domain: string): Account | undefined {
    const row = sql(this.db, `${SELECT} WHERE a.local_part = ? AND d.name = ?`).get(localPart, domain) as AccountRow | undefined;
    return row && toAccount(row);
  }

  byId(id: number): Account | undefined {
    const row = sql(this.db, `${SELECT} WHERE a.id = ?`).get(id) as AccountRow | undefined;
    return row && toAccount(row);
  }
}
