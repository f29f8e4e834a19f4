#!/usr/bin/env node
// Runs ava with its usual output and ends with one plain summary line, "N passed, N failed",
// so any CI reads the result the same way. ava prints a passed count only when nothing failed,
// so the counts come from its per-test lines.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const avaCli = join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
const child = spawn(process.execPath, [avaCli, ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'] });

const counts = { passed: 0, failed: 0, skipped: 0 };
let partial = '';
const count = (line) => {
  // eslint-disable-next-line no-control-regex
  const text = line.replace(/\u001b\[[0-9;]*m/g, '').trim();
  if (text.startsWith('✔')) counts.passed++;
  else if (text.startsWith('✘')) counts.failed++;
  else if (/^- .*(\[skip\]|\[todo\])?/.test(text) && /skip|todo/.test(text)) counts.skipped++;
};
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) count(line);
});

child.on('close', (code, signal) => {
  if (partial) count(partial);
  const { passed, failed, skipped } = counts;
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
