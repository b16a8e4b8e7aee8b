// Metrics schema: message counts per hour and kind (received, sent, rejected, deferred, bounced,
// authFailures), kept 35 days, for the dashboard's "today" counters and hourly chart.
import type { MigrationSet } from '../directory/database.js';

export const metricsMigrations: MigrationSet = {
  component: 'metrics',
  migrations: [
    {
      version: 1,
      up: `
        CREATE TABLE metrics_hourly (
          hour INTEGER NOT NULL,
          kind TEXT NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (hour, kind)
        ) WITHOUT ROWID;
      `,
    },
  ],
};
