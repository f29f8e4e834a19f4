#!/usr/bin/env node
// Runs ava with its usual output and ends with one plain summary line, "N passed, N failed",
// so any CI reads the result the same way.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const avaCli = join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
const child = spawn(process.execPath, [avaCli, ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'] });

let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});

child.on('close', (code, signal) => {
  // eslint-disable-next-line no-control-regex
  const text = tail.replace(/\u001b\[[0-9;]*m/g, '');
  const count = (re) => Number(re.exec(text)?.[1] ?? 0);
  const passed = count(/(\d+) tests? passed/);
  const failed = count(/(\d+) tests? failed/) + count(/(\d+) uncaught exceptions?/) + count(/(\d+) unhandled rejections?/);
  const skipped = count(/(\d+) tests? skipped/) + count(/(\d+) tests? todo/);
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
