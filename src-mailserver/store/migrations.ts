// Store schema: mailboxes (per account; UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and their durable
// reservations) and the message index (uid, modseq, flags, internal date, size, file name).
// The Maildir files are the truth; these rows are a cache that reconciliation can rebuild,
// except the reservations, which keep UIDs and MODSEQs from ever going backwards.
import type { MigrationSet } from '../directory/database.js';

export const storeMigrations: MigrationSet = {
  component: 'store',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE mailboxes (
          id INTEGER PRIMARY KEY,
          account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          dir TEXT NOT NULL,
          special_use TEXT,
          subscribed INTEGER NOT NULL DEFAULT 1,
          uidvalidity INTEGER NOT NULL,
          uidnext INTEGER NOT NULL DEFAULT 1,
          highestmodseq INTEGER NOT NULL DEFAULT 1,
          uid_reserved INTEGER NOT NULL DEFAULT 1,
          modseq_reserved INTEGER NOT NULL DEFAULT 1,
          created_at INTEGER NOT NULL,
          UNIQUE (account_id, name)
        );
        CREATE TABLE messages (
          id INTEGER PRIMARY KEY,
          mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
          uid INTEGER NOT NULL,
          modseq INTEGER NOT NULL,
          flags INTEGER NOT NULL DEFAULT 0,
          keywords TEXT NOT NULL DEFAULT '',
          internaldate INTEGER NOT NULL,
          size INTEGER NOT NULL,
          filename TEXT NOT NULL,
          subdir TEXT NOT NULL DEFAULT 'new',
          UNIQUE (mailbox_id, uid)
        );
        CREATE INDEX messages_by_modseq ON messages (mailbox_id, modseq);
        CREATE INDEX messages_by_file ON messages (mailbox_id, filename);
        CREATE TABLE store_state (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `,
    },
  ],
};
