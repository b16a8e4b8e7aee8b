// Admin schema: small named JSON values the UI keeps on the server (the setup wizard's progress),
// so that leaving and coming back, from any browser or the desktop app, resumes where it stopped.
import type { MigrationSet } from '../directory/database.js';

export const adminMigrations: MigrationSet = {
  component: 'admin',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE admin_state (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        );
      `,
    },
  ],
};
