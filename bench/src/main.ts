#!/usr/bin/env node
// `npm run bench -- NAME [args...]`: runs bench/src/benchmarks/NAME.ts, prints its result as
// JSON on stdout and writes it to bench/results/NAME.json.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchmarksDir = join(here, 'benchmarks');
const resultsDir = join(here, '..', '..', 'results');

async function available(): Promise<string[]> {
  const files = await readdir(benchmarksDir);
  return files.filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const names = await available();
  if (!name || !names.includes(name)) {
    process.stderr.write(
      `${name ? `unknown benchmark "${name}"` : 'no benchmark named'}; choose one of: ${names.join(', ')}\n` +
        'usage: npm run bench -- NAME [args...]\n',
    );
    return 2;
  }
  const mod = (await import(join(benchmarksDir, `${name}.js`))) as { run: Benchmark };
  const result: BenchResult = await mod.run(args);
  const json = JSON.stringify(result, null, 2);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, `${name}.json`), json + '\n');
  process.stdout.write(json + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
