// Local domains: the domains we accept mail for. Names are stored as lower-case A-labels.
import { UserError } from '../common/errors.js';
import { normalizeDomain, displayDomain } from '../mail/address.js';
import { sql, type Db } from './database.js';

export interface Domain {
  id: number;
  /** ASCII (A-label) form. */
  name: string;
  /** Unicode form, for display. */
  display: string;
  createdAt: number;
}

interface DomainRow {
  id: number;
  name: string;
  created_at: number;
}

const toDomain = (r: DomainRow): Domain => ({ id: r.id, name: r.name, display: displayDomain(r.name), createdAt: r.created_at });

export class DomainTable {
  constructor(private readonly db: Db) {}

  /** Canonical form of a domain typed by a user, or a UserError saying why it is not one. */
  static parse(input: string): string {
    const name = normalizeDomain(input);
    if (!name) throw new UserError(`invalid domain name: ${JSON.stringify(input)}`);
    return name;
  }

  add(input: string): Domain {
    const name = DomainTable.parse(input);
    if (this.get(name)) throw new UserError(`domain already exists: ${name}`, 'exists');
    const info = sql(this.db, 'INSERT INTO domains (name, created_at) VALUES (?, ?)').run(name, Date.now());
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** Remove a domain. Refuses while accounts or aliases remain unless `force` removes them too. */
  remove(input: string, force = false): void {
    const domain = this.get(DomainTable.parse(input));
    if (!domain) throw new UserError(`no such domain: ${input}`, 'not_found');
    const count = (query: string) => (sql(this.db, query).get(domain.id) as { n: number }).n;
    const accounts = count('SELECT count(*) AS n FROM accounts WHERE domain_id = ?');
    const aliases = count('SELECT count(*) AS n FROM aliases WHERE domain_id = ?');
    if ((accounts || aliases) && !force) {
      throw new UserError(
        `domain ${domain.name} still has ${accounts} account(s) and ${aliases} alias(es); remove them first or use --force`,
        'not_empty',
      );
    }
    this.db.transaction(() => {
      sql(this.db, 'DELETE FROM aliases WHERE domain_id = ?').run(domain.id);
      sql(this.db, 'DELETE FROM accounts WHERE domain_id = ?').run(domain.id);
      sql(this.db, 'DELETE FROM domains WHERE id = ?').run(domain.id);
    })();
  }

  list(): Domain[] {
    return (sql(this.db, 'SELECT id, name, created_at FROM domains ORDER BY name').all() as DomainRow[]).map(toDomain);
  }

  /** Look up by canonical (ASCII) name. */
  get(name: string): Domain | undefined {
    const row = sql(this.db, 'SELECT id, name, created_at FROM domains WHERE name = ?').get(name) as DomainRow | undefined;
    return row && toDomain(row);
  }

  byId(id: number): Domain | undefined {
    const row = sql(this.db, 'SELECT id, name, created_at FROM domains WHERE id = ?').get(id) as DomainRow | undefined;
    return row && toDomain(row);
  }

  isLocal(name: string): boolean {
    return sql(this.db, 'SELECT 1 FROM domains WHERE name = ?').get(name) !== undefined;
  }
}
