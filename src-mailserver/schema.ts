// Every subsystem's migrations, in dependency order (the store's tables reference accounts).
// The one list both the server and the management commands open the database with.
import { join } from 'node:path';
import { openDatabase, type Db, type MigrationSet } from './directory/database.js';
import { directoryMigrations } from './directory/migrations.js';
import { storeMigrations } from './store/migrations.js';
import { authMigrations } from './auth/migrations.js';
import { queueMigrations } from './queue/migrations.js';
import { abuseMigrations } from './abuse/migrations.js';
import { spamMigrations } from './spam/migrations.js';
import { metricsMigrations } from './metrics/migrations.js';
import { adminMigrations } from './admin/migrations.js';

export const ALL_MIGRATIONS: MigrationSet[] = [directoryMigrations, storeMigrations, authMigrations, queueMigrations, abuseMigrations, spamMigrations, metricsMigrations, adminMigrations];

export function databasePath(dataDir: string): string {
  return join(dataDir, 'mailserver.db');
}

export function openMailDatabase(dataDir: string): Db {
  return openDatabase(databasePath(dataDir), ALL_MIGRATIONS);
}
