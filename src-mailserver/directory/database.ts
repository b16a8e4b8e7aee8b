// The one SQLite database (DATA/mailserver.db): opened in WAL mode with synchronous=NORMAL (the
// Maildir files are the durable truth; see DESIGN.md), foreign keys on, and versioned migrations
// applied per subsystem ("component") in the order the caller lists them.
import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface Migration {
  version: number;
  /** SQL run inside the migration's transaction. */
  up: string | ((db: Db) => void);
}

export interface MigrationSet {
  component: string;
  migrations: Migration[];
}

export interface OpenOptions {
  readonly?: boolean;
}

export function openDatabase(file: string, sets: MigrationSet[], options: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false, timeout: 10_000 });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  if (!options.readonly) migrate(db, sets);
  return db;
}

/** Apply every migration newer than what the database records, one transaction per component. */
export function migrate(db: Db, sets: MigrationSet[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (component, version)
  )`);
  const current = db.prepare<[string], { v: number | null }>(
    'SELECT max(version) AS v FROM schema_migrations WHERE component = ?',
  );
  const record = db.prepare('INSERT INTO schema_migrations (component, version, applied_at) VALUES (?, ?, ?)');
  for (const set of sets) {
    const pending = () => {
      const have = current.get(set.component)?.v ?? 0;
      return [...set.migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > have);
    };
    if (pending().length === 0) continue;
    // IMMEDIATE takes the write lock first, so two processes starting together migrate once.
    db.transaction(() => {
      for (const m of pending()) {
        if (typeof m.up === 'string') db.exec(m.up);
        else m.up(db);
        record.run(set.component, m.version, Date.now());
      }
    }).immediate();
  }
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per database connection and reused. */
export function sql<P extends unknown[] = unknown[], R = unknown>(db: Db, text: string): Database.Statement<P, R> {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = db.prepare(text)));
  return stmt as unknown as Database.Statement<P, R>;
}
