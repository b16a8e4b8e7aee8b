// Store schema: mailboxes (per account; UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and their durable
// reservations) and the message index (uid, modseq, flags, internal date, size, file name).
// Version 2 adds what IMAP needs: the cached MIME structure and search fields per message,
// expunge tombstones (QRESYNC VANISHED), subscriptions, per-folder keyword tables (mirrored in
// Dovecot's dovecot-keywords) and the \Recent marker.
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
      {
      version: 2,
      up: `
        ALTER TABLE mailboxes ADD COLUMN first_recent_uid INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE mailboxes ADD COLUMN expunge_floor INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN letters TEXT;
        CREATE TABLE message_meta (
          message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
          structure TEXT NOT NULL,
          sent_date INTEGER,
          h_from TEXT NOT NULL DEFAULT '',
          h_to TEXT NOT NULL DEFAULT '',
          h_cc TEXT NOT NULL DEFAULT '',
          h_bcc TEXT NOT NULL DEFAULT '',
          h_subject TEXT NOT NULL DEFAULT '',
          h_message_id TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE expunged (
          mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
          uid INTEGER NOT NULL,
          modseq INTEGER NOT NULL,
          PRIMARY KEY (mailbox_id, uid)
        ) WITHOUT ROWID;
        CREATE INDEX expunged_by_modseq ON expunged (mailbox_id, modseq);
        CREATE TABLE subscriptions (
          account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          PRIMARY KEY (account_id, name)
        ) WITHOUT ROWID;
        INSERT INTO subscriptions (account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed = 1;
        CREATE TABLE mailbox_keywords (
          mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
          idx INTEGER NOT NULL,
          name TEXT NOT NULL,
          PRIMARY KEY (mailbox_id, idx)
        ) WITHOUT ROWID;
        CREATE INDEX messages_unseen ON messages (mailbox_id, uid) WHERE (flags & 1) = 0;
      `,
    },
  ],
};
