#!/usr/bin/env node
// The test command (`npm test`): typecheck, lint, then every test file under test/ with Node's
// built-in runner through tsx. Arguments narrow the run to files whose path contains them,
// e.g. `npm test -- smtp` (then typecheck and lint are skipped).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(root, path));
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

if (filters.length === 0) {
  for (const [label, args] of [
    ['typecheck', ['run', '-s', 'typecheck']],
    ['lint', ['run', '-s', 'lint']],
  ]) {
    console.log(`# ${label}`);
    if (run('npm', args) !== 0) {
      console.error(`# ${label} failed`);
      process.exit(1);
    }
  }
}

// The end-to-end tests drive the built admin UI: build it first when its sources changed.
console.log('# build ui');
if (run(process.execPath, ['scripts/build-ui.mjs', '--if-stale']) !== 0) {
  console.error('# build ui failed');
  process.exit(1);
}

const files = findTests(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
process.exit(run(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files]));
