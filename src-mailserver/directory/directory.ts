// The directory: domains, accounts, aliases and recipient resolution over one database handle.
import type { Db } from './database.js';
import { AccountTable } from './accounts.js';
import { AliasTable } from './aliases.js';
import { DomainTable } from './domains.js';
import { RecipientResolver } from './recipients.js';

export class Directory {
  readonly domains: DomainTable;
  readonly accounts: AccountTable;
  readonly aliases: AliasTable;
  readonly recipients: RecipientResolver;

  constructor(readonly db: Db) {
    this.domains = new DomainTable(db);
    this.accounts = new AccountTable(db);
    this.aliases = new AliasTable(db);
    this.recipients = new RecipientResolver(this.domains, this.accounts, this.aliases);
  }
}
