// Auth schema: DKIM keys per domain (one RSA 2048 and one Ed25519 key are active at a time;
// a rotation publishes new selectors before they sign).
import type { MigrationSet } from '../directory/database.js';

export const authMigrations: MigrationSet = {
  component: 'auth',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE dkim_keys (
          id INTEGER PRIMARY KEY,
          domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
          selector TEXT NOT NULL,
          algorithm TEXT NOT NULL CHECK (algorithm IN ('rsa-sha256', 'ed25519-sha256')),
          private_key TEXT NOT NULL,
          public_key TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('published', 'active', 'retired')),
          created_at INTEGER NOT NULL,
          activated_at INTEGER,
          UNIQUE (domain_id, selector)
        );
      `,
    },
  ],
};
