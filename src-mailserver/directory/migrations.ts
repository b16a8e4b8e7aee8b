// Directory schema: domains, accounts (password hash in a Dovecot-readable scheme, quota),
// aliases with one or more targets (local part '' = catch-all), settings (key/value).
import type { MigrationSet } from './database.js';

export const directoryMigrations: MigrationSet = {
  component: 'directory',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE domains (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE accounts (
          id INTEGER PRIMARY KEY,
          domain_id INTEGER NOT NULL REFERENCES domains(id),
          local_part TEXT NOT NULL,
          display_local TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          quota_bytes INTEGER,
          quota_messages INTEGER,
          disabled INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          UNIQUE (domain_id, local_part)
        );
        CREATE TABLE aliases (
          id INTEGER PRIMARY KEY,
          domain_id INTEGER NOT NULL REFERENCES domains(id),
          local_part TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          UNIQUE (domain_id, local_part)
        );
        CREATE TABLE alias_targets (
          alias_id INTEGER NOT NULL REFERENCES aliases(id) ON DELETE CASCADE,
          target TEXT NOT NULL,
          PRIMARY KEY (alias_id, target)
        );
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `,
    },
  ],
};
