// Group commit of directory fsyncs: concurrent callers share fsyncs, a caller arriving during an
// fsync waits for the next one, and errors reach every caller of that round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirSyncer, fsyncDir } from '../../src-mailserver/store/dir-sync.js';
import { makeTempDir } from '../support/temp-dir.js';

test('100 concurrent requests share a few fsyncs; late arrivals wait for a fresh one', async () => {
  const calls: { dir: string; startedAfter: number }[] = [];
  let requested = 0;
  const syncer = new DirSyncer(async (dir) => {
    calls.push({ dir, startedAfter: requested });
    await new Promise((r) => setTimeout(r, 5));
  });
  const all: Promise<void>[] = [];
  for (let i = 0; i < 100; i++) {
    requested++;
    all.push(syncer.sync('/a'));
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(all);
  assert.ok(calls.length >= 2 && calls.length <= 20, `fsyncs: ${calls.length}`);
  // The last fsync started after the last request: nobody was answered by an fsync that began before it asked.
  assert.equal(calls.at(-1)!.startedAfter, 100);
  await syncer.sync('/b');
  assert.equal(calls.at(-1)!.dir, '/b');
});

test('an fsync error rejects every caller of that round, and the next round starts clean', async () => {
  let fail = true;
  const syncer = new DirSyncer(async () => {
    await new Promise((r) => setTimeout(r, 2));
    if (fail) throw new Error('EIO');
  });
  const results = await Promise.allSettled([syncer.sync('/a'), syncer.sync('/a')]);
  assert.ok(results.every((r) => r.status === 'rejected'));
  fail = false;
  await syncer.sync('/a');
});

test('fsyncDir works on a real directory', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  await fsyncDir(dir.path);
  await assert.rejects(fsyncDir(`${dir.path}/missing`));
});
