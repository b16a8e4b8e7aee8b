// Queue schema: one row per queued message (envelope sender, where its file is, lifetime, hold)
// and one per recipient (status, attempts, next attempt, last remote reply), plus the MTA-STS
// policy cache (RFC 8461 §5: a cached policy guards against a downgrade by a forged TXT record).
import type { MigrationSet } from '../directory/database.js';

export const queueMigrations: MigrationSet = {
  component: 'queue',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE queue_messages (
          id TEXT PRIMARY KEY,
          sender TEXT NOT NULL,
          size INTEGER NOT NULL,
          skip_bytes INTEGER NOT NULL DEFAULT 0,
          prefix TEXT NOT NULL DEFAULT '',
          message_id TEXT,
          subject TEXT,
          origin TEXT NOT NULL CHECK (origin IN ('submission', 'forward', 'local-retry', 'dsn')),
          account_id INTEGER,
          body_8bit INTEGER NOT NULL DEFAULT 0,
          smtputf8 INTEGER NOT NULL DEFAULT 0,
          dsn_ret TEXT,
          dsn_envid TEXT,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          delay_notice_at INTEGER,
          held INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE queue_recipients (
          id INTEGER PRIMARY KEY,
          message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
          address TEXT NOT NULL,
          domain TEXT NOT NULL,
          account_id INTEGER,
          status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          last_attempt_at INTEGER,
          last_reply TEXT,
          status_code TEXT,
          remote_mta TEXT,
          done_at INTEGER,
          notify TEXT,
          orcpt TEXT,
          reported INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX queue_recipients_due ON queue_recipients (status, next_attempt_at);
        CREATE INDEX queue_recipients_message ON queue_recipients (message_id);
        CREATE TABLE mta_sts_policies (
          domain TEXT PRIMARY KEY,
          policy_id TEXT NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('enforce', 'testing', 'none')),
          mx TEXT NOT NULL,
          max_age INTEGER NOT NULL,
          fetched_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
      `,
    },
  ],
};
