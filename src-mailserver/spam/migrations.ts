// Spam schema: the per-user Bayesian classifier's token counts (tokens are stored as 48-bit
// hashes, never as text), its message totals, and which messages it was trained on (so a
// message moved back and forth is counted once, in its latest class).
import type { MigrationSet } from '../directory/database.js';

export const spamMigrations: MigrationSet = {
  component: 'spam',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE bayes_tokens (
          account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          token INTEGER NOT NULL,
          spam INTEGER NOT NULL DEFAULT 0,
          ham INTEGER NOT NULL DEFAULT 0,
          seen_at INTEGER NOT NULL,
          PRIMARY KEY (account_id, token)
        ) WITHOUT ROWID;
        CREATE TABLE bayes_totals (
          account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
          spam INTEGER NOT NULL DEFAULT 0,
          ham INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE bayes_trained (
          account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          message_key TEXT NOT NULL,
          class TEXT NOT NULL CHECK (class IN ('spam', 'ham')),
          trained_at INTEGER NOT NULL,
          PRIMARY KEY (account_id, message_key)
        ) WITHOUT ROWID;
      `,
    },
  ],
};
