// Abuse-limit schema: which domains greylist, the greylisting triplets (client network, sender,
// recipient) and the client networks that pass automatically after retrying (RFC 6647 §4, §5).
import type { MigrationSet } from '../directory/database.js';

export const abuseMigrations: MigrationSet = {
  component: 'abuse',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE greylist_domains (
          domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
          enabled_at INTEGER NOT NULL
        );
        CREATE TABLE greylist_triplets (
          network TEXT NOT NULL,
          sender TEXT NOT NULL,
          recipient TEXT NOT NULL,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          passed_at INTEGER,
          attempts INTEGER NOT NULL DEFAULT 1,
          PRIMARY KEY (network, sender, recipient)
        ) WITHOUT ROWID;
        CREATE INDEX greylist_triplets_last_seen ON greylist_triplets (last_seen);
        CREATE TABLE greylist_clients (
          network TEXT PRIMARY KEY,
          passes INTEGER NOT NULL,
          last_pass INTEGER NOT NULL
        ) WITHOUT ROWID;
      `,
    },
  ],
};
