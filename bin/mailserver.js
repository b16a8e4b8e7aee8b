#!/usr/bin/env node
// Launcher for the `mailserver` command: runs the TypeScript sources through tsx.
import './threadpool-size.js';
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src-mailserver/cli.ts');
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
process.exitCode = code;
if (process.argv[2] === 'serve') process.exit(code);
