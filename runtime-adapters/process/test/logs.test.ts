import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { logTimeMs, parseLogLine, ProcessRuntime } from '../src/index.js';
import { readAll, removeCgroupTree, runToExit, sandboxConfig, shellContainer } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'corral-process-logs-'));
const runtime = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });

test.after.always(async () => {
  for (const sandbox of await runtime.listPodSandboxes()) await runtime.removePodSandbox(sandbox.id);
  await removeCgroupTree(runtime);
  await rm(dir, { recursive: true, force: true });
});

test('parses CRI log lines and their nanosecond times', (t) => {
  t.deepEqual(parseLogLine('2026-01-02T03:04:05.123456789Z stderr P  two  spaces'), {
    time: '2026-01-02T03:04:05.123456789Z',
    stream: 'stderr',
    partial: true,
    text: ' two  spaces',
  });
  t.is(parseLogLine('garbage'), undefined);
  t.is(logTimeMs('2026-01-02T03:04:05.123456789Z'), Date.UTC(2026, 0, 2, 3, 4, 5, 123));
  t.is(logTimeMs('2026-01-02T03:04:05Z'), Date.UTC(2026, 0, 2, 3, 4, 5));
});

test('the log file is in CRI format; logs() gives the text as written, partial last line included', async (t) => {
  const config = sandboxConfig(dir, 'format');
  const sandbox = await runtime.runPodSandbox(config);
  const { output } = await runToExit(runtime, sandbox, config, shellContainer('fmt', "echo out; echo err >&2; sleep 0.2; printf 'no newline'"));
  t.is(output.split('\n').sort().join('\n'), ['err', 'no newline', 'out'].join('\n'));
  t.true(output.endsWith('\nno newline'), 'no newline added to a partial line');
  const file = (await readFile(join(config.logDirectory, 'fmt.log'), 'utf8')).trimEnd().split('\n');
  const stamp = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z';
  t.true(file.some((l) => new RegExp(`^${stamp} stdout F out$`).test(l)), file.join('\n'));
  t.true(file.some((l) => new RegExp(`^${stamp} stderr F err$`).test(l)));
  t.true(file.some((l) => new RegExp(`^${stamp} stdout P no newline$`).test(l)));
});

test('since keeps the lines written from that time on', async (t) => {
  const config = sandboxConfig(dir, 'since');
  const sandbox = await runtime.runPodSandbox(config);
  const { id } = await runToExit(runtime, sandbox, config, shellContainer('since', 'echo early; sleep 0.4; echo late'));
  const stamped = (await readAll(runtime.logs(id, { timestamps: true }))).trim().split('\n');
  const lateAt = logTimeMs(stamped[1]!.split(' ')[0]!);
  t.is(await readAll(runtime.logs(id, { since: lateAt })), 'late\n');
  t.is(await readAll(runtime.logs(id, { since: lateAt - 5_000 })), 'early\nlate\n');
  t.is(await readAll(runtime.logs(id, { tailLines: 0 })), '');
});

test('a container asking for a TTY gets one', async (t) => {
  const config = sandboxConfig(dir, 'tty');
  const sandbox = await runtime.runPodSandbox(config);
  const { output, status } = await runToExit(runtime, sandbox, config, shellContainer('tty', 'test -t 1 && echo has-tty; exit 5', { tty: true }));
  t.is(status.exitCode, 5);
  t.regex(output, /has-tty/);
});
