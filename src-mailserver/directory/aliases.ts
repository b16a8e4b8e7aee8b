// Aliases: one address (or `@domain` for a catch-all) forwarding to one or more targets, local
// or remote. Targets are stored with the domain in ASCII and, for local targets, the local part
// normalised.
import { UserError } from '../common/errors.js';
import { isValidNewLocalPart, normalizeLocalPart, parseAddress } from '../mail/address.js';
import { DomainTable } from './domains.js';
import { sql, type Db } from './database.js';

export interface Alias {
  id: number;
  domain: string;
  /** '' for the catch-all. */
  localPart: string;
  /** `local@domain`, or `@domain` for the catch-all. */
  address: string;
  targets: string[];
}

interface AliasRow {
  id: number;
  domain: string;
  local_part: string;
}

export class AliasTable {
  constructor(private readonly db: Db) {}

  /** `user@domain` or `@domain` (catch-all), validated and normalised. */
  static parseSource(input: string): { local: string; domain: string } {
    const text = input.trim();
    if (text.startsWith('@')) return { local: '', domain: DomainTable.parse(text.slice(1)) };
    const addr = parseAddress(text);
    if (!addr || !isValidNewLocalPart(addr.local)) throw new UserError(`invalid address: ${JSON.stringify(input)}`);
    return { local: normalizeLocalPart(addr.local), domain: addr.domain };
  }

  /** A target address; local parts of remote targets keep their case. */
  private parseTarget(input: string): string {
    const addr = parseAddress(input);
    if (!addr || /[%!:"\\]/.test(addr.local) || addr.local.includes('@')) {
      throw new UserError(`invalid target address: ${JSON.stringify(input)}`);
    }
    const local = sql(this.db, 'SELECT 1 FROM domains WHERE name = ?').get(addr.domain) ? normalizeLocalPart(addr.local) : addr.local;
    return `${local}@${addr.domain}`;
  }

  /** Add an alias, or more targets to an existing one. Duplicate targets are collapsed. */
  add(source: string, targets: string[]): Alias {
    const { local, domain } = AliasTable.parseSource(source);
    if (targets.length === 0) throw new UserError('an alias needs at least one target');
    const parsedTargets = [...new Set(targets.map((t) => this.parseTarget(t)))];
    return this.db.transaction(() => {
      const d = sql(this.db, 'SELECT id FROM domains WHERE name = ?').get(domain) as { id: number } | undefined;
      if (!d) throw new UserError(`domain ${domain} is not a local domain; add it first`, 'not_found');
      let row = sql(this.db, 'SELECT id FROM aliases WHERE domain_id = ? AND local_part = ?').get(d.id, local) as { id: number } | undefined;
      if (!row) {
        const info = sql(this.db, 'INSERT INTO aliases (domain_id, local_part, created_at) VALUES (?, ?, ?)').run(d.id, local, Date.now());
        row = { id: Number(info.lastInsertRowid) };
      }
      const insert = sql(this.db, 'INSERT OR IGNORE INTO alias_targets (alias_id, target) VALUES (?, ?)');
      for (const target of parsedTargets) insert.run(row.id, target);
      return this.byId(row.id)!;
    })();
  }

  /** Remove the whole alias, or only the given targets (the alias goes when none remain). */
  remove(source: string, targets: string[] = []): void {
    const { local, domain } = AliasTable.parseSource(source);
    const alias = this.find(local, domain);
    if (!alias) throw new UserError(`no such alias: ${source}`, 'not_found');
    this.db.transaction(() => {
      if (targets.length === 0) {
        sql(this.db, 'DELETE FROM aliases WHERE id = ?').run(alias.id);
        return;
      }
      for (const t of targets) {
        const target = this.parseTarget(t);
        const info = sql(this.db, 'DELETE FROM alias_targets WHERE alias_id = ? AND target = ?').run(alias.id, target);
        if (info.changes === 0) throw new UserError(`${source} has no target ${t}`, 'not_found');
      }
      const left = sql(this.db, 'SELECT count(*) AS n FROM alias_targets WHERE alias_id = ?').get(alias.id) as { n: number };
      if (left.n === 0) sql(this.db, 'DELETE FROM aliases WHERE id = ?').run(alias.id);
    })();
  }

  list(domain?: string): Alias[] {
    const base = 'SELECT a.id, d.name AS domain, a.local_part FROM aliases a JOIN domains d ON d.id = a.domain_id';
    const rows = domain
      ? (sql(this.db, `${base} WHERE d.name = ? ORDER BY d.name, a.local_part`).all(domain) as AliasRow[])
      : (sql(this.db, `${base} ORDER BY d.name, a.local_part`).all() as AliasRow[]);
    return rows.map((r) => this.withTargets(r));
  }

  /** Exact lookup by normalised local part ('' = catch-all) and ASCII domain. */
  find(localPart: string, domain: string): Alias | undefined {
    const row = sql(
      this.db,
      'SELECT a.id, d.name AS domain, a.local_part FROM aliases a JOIN domains d ON d.id = a.domain_id WHERE a.local_part = ? AND d.name = ?',
    ).get(localPart, domain) as AliasRow | undefined;
    return row && this.withTargets(row);
  }

  private byId(id: number): Alias | undefined {
    const row = sql(this.db, 'SELECT a.id, d.name AS domain, a.local_part FROM aliases a JOIN domains d ON d.id = a.domain_id WHERE a.id = ?').get(
      id,
    ) as AliasRow | undefined;
    return row && this.withTargets(row);
  }

  private withTargets(row: AliasRow): Alias {
    const targets = (sql(this.db, 'SELECT target FROM alias_targets WHERE alias_id = ? ORDER BY target').all(row.id) as { target: string }[]).map(
      (t) => t.target,
    );
    return { id: row.id, domain: row.domain, localPart: row.local_part, address: `${row.local_part}@${row.domain}`, targets };
  }
}
