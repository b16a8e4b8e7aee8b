// Hourly message counters: today's totals, the last N hours with empty hours as zero, and counts
// written to SQLite (flush) and read back by a new instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MailMetrics, hourStart } from '../../src-mailserver/metrics/mail-metrics.js';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { makeTempDir } from '../support/temp-dir.js';

const HOUR = 3600_000;

test('counts per hour, today, persistence across instances', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  const db = openMailDatabase(dir.path);
  t.after(() => db.close());
  // Noon local time, so "today" holds the three hours below.
  const noon = new Date();
  noon.setHours(12, 30, 0, 0);
  let now = noon.getTime();
  const metrics = new MailMetrics(db, () => now);
  const seen: string[] = [];
  metrics.onCount((k) => seen.push(k));
  metrics.count('received');
  metrics.count('received', 2);
  now -= HOUR;
  metrics.count('sent');
  now -= HOUR;
  metrics.count('rejected');
  now = noon.getTime();
  assert.deepEqual(seen, ['received', 'received', 'sent', 'rejected']);
  assert.deepEqual(metrics.today(), { received: 3, sent: 1, rejected: 1, deferred: 0, bounced: 0, authFailures: 0 });
  const last3 = metrics.hourly(3);
  assert.deepEqual(
    last3.map((p) => [p.hour, p.received, p.sent, p.rejected]),
    [
      [hourStart(now) - 2 * HOUR, 0, 0, 1],
      [hourStart(now) - HOUR, 0, 1, 0],
      [hourStart(now), 3, 0, 0],
    ],
  );
  assert.equal(metrics.hourly(24).length, 24);
  metrics.flush();
  metrics.count('received');
  metrics.stop(); // flushes the rest

  const again = new MailMetrics(openMailDatabase(dir.path), () => now);
  assert.deepEqual(again.today(), { received: 4, sent: 1, rejected: 1, deferred: 0, bounced: 0, authFailures: 0 });
  // Yesterday's counts are not today's.
  now += 24 * HOUR;
  assert.equal(again.today().received, 0);
  assert.equal(again.hourly(48)[0]!.received + again.hourly(48).reduce((a, p) => a + p.received, 0), 4);
});
