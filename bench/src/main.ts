#!/usr/bin/env node
// `npm run bench -- NAME [args...]`: runs bench/src/benchmarks/NAME.ts, prints its result as
// JSON on stdout and writes it to bench/results/NAME.json. `npm run bench -- all` runs every
// benchmark and writes bench/results/latest.json and latest.md (see all.ts).
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllOptions, runAll } from './all.js';
import { withRatio, type Benchmark, type BenchResult } from './types.js';

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
  if (name === 'all') {
    await mkdir(resultsDir, { recursive: true });
    return runAll(fileURLToPath(import.meta.url), resultsDir, names, parseAllOptions(args, names));
  }
  if (!name || !names.includes(name)) {
    process.stderr.write(
      `${name ? `unknown benchmark "${name}"` : 'no benchmark named'}; choose one of: ${names.join(', ')}\n` +
        'usage: npm run bench -- NAME [args...]\n' +
        '       npm run bench -- all [--only a,b] [--skip c,d] [--timeout-minutes N]\n',
    );
    return 2;
  }
  const mod = (await import(join(benchmarksDir, `${name}.js`))) as { run: Benchmark };
  const ran: BenchResult = await mod.run(args);
  const result: BenchResult = { ...ran, targets: ran.targets.map(withRatio) };
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
