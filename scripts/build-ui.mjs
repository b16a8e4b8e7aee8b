#!/usr/bin/env node
// Build the admin UI (src-renderer → dist-renderer) with Vite. `--if-stale` skips the build when
// dist-renderer/index.html is newer than every source file of the UI (and the AdminApi contract),
// so the test command can call it every time at almost no cost.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const output = join(root, 'dist-renderer', 'index.html');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

if (process.argv.includes('--if-stale') && existsSync(output)) {
  const sources = Math.max(
    newest(join(root, 'src-renderer')),
    newest(join(root, 'src-mailserver', 'admin', 'contract.ts')),
    newest(join(root, 'vite.config.ts')),
  );
  if (statSync(output).mtimeMs >= sources) process.exit(0);
}
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const r = spawnSync(process.execPath, [vite, 'build', '--config', join(root, 'vite.config.ts')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
