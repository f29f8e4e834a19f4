import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CorralReport } from '@corral/core';

// The real `corral` binary, as a user runs it.
const bin = fileURLToPath(new URL('../../../core/dist/src/cli/main.js', import.meta.url));
const config = (name: string) => fileURLToPath(new URL(`../../configs/${name}`, import.meta.url));
const run = promisify(execFile);

async function corral(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, CORRAL_CONFIG: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('corral plugins -o json lists each plugin, its source, options and taps', async (t) => {
  const { code, stdout } = await corral(['plugins', '--config', config('label-pods.yaml'), '-o', 'json']);
  t.is(code, 0);
  const report = JSON.parse(stdout) as CorralReport;
  t.deepEqual(report.configFiles.slice(1), [config('label-pods.yaml')]);
  const plugin = report.plugins.find((p) => p.name === 'LabelPodsPlugin');
  t.deepEqual(plugin?.source, { kind: 'path', file: fileURLToPath(new URL('../../fixtures/label-pods-plugin/dist/src/index.js', import.meta.url)) });
  t.deepEqual(plugin?.options, { key: 'e2e.corral.dev/labelled', value: 'yes', overwrite: false });
  t.deepEqual(plugin?.taps, [{ hook: 'mutate' }]);
  t.is(plugin?.configuredAt, `${config('label-pods.yaml')}: plugins[0]`);
});

test('corral plugins reads CORRAL_CONFIG when --config is not given, and prints a table', async (t) => {
  const { code, stdout } = await corral(['plugins'], { CORRAL_CONFIG: config('label-pods.yaml') });
  t.is(code, 0);
  t.regex(stdout, /^LabelPodsPlugin$/m);
  t.regex(stdout, /^ {2}taps: {7}mutate$/m);
  t.regex(stdout, /^ {2}source: {5}package @corral\/plugin-resources -> /m);
});

test('a bad config makes the binary exit 1 with every problem on stderr', async (t) => {
  const file = config('label-pods-bad-options.yaml');
  const { code, stdout, stderr } = await corral(['plugins', '--config', file]);
  t.is(code, 1);
  t.is(stdout, '');
  t.is(
    stderr,
    [
      '2 problems in the Corral configuration; nothing was started:',
      `  ${file}:7:12: plugins[0].options.key: must be a label key: [prefix/]name, the name at most 63 of A-Z a-z 0-9 - _ .`,
      `  ${file}:8:18: plugins[0].options.overwrite: must be a boolean`,
      '',
    ].join('\n'),
  );
});
