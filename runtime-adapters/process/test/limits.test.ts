import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ProcessRuntime } from '../src/index.js';
import { record, runToExit, sandboxConfig, removeCgroupTree, shellContainer } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'corral-process-limits-'));
const runtime = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });

test.after.always(async () => {
  for (const sandbox of await runtime.listPodSandboxes()) await runtime.removePodSandbox(sandbox.id);
  await removeCgroupTree(runtime);
  await rm(dir, { recursive: true, force: true });
});

test('limits are written to the container cgroups, and the container runs in them', async (t) => {
  const plan = await runtime.plan();
  // This machine must offer a writable hierarchy (v1 or v2) for the test to mean anything.
  t.true(plan.cgroups, `no usable cgroups: ${plan.cgroupProbe.kind === 'none' ? plan.cgroupProbe.reason : ''}`);
  const config = sandboxConfig(dir, 'limited');
  const sandbox = await runtime.runPodSandbox(config);
  const resources = { memoryLimitBytes: 96 * 1024 * 1024, cpuLimitMillis: 250, cpuRequestMillis: 100, pidsLimit: 40 };
  const { status, output, id } = await runToExit(runtime, sandbox, config, shellContainer('limited', 'cat /proc/self/cgroup; sleep 0.2', { resources }));
  t.is(status.exitCode, 0);
  const { cgroups } = await record(dir, 'containers', id);
  const probe = plan.cgroupProbe;
  const read = (d: string, f: string) => readFile(join(d, f), 'utf8').then((s) => s.trim());
  if (probe.kind === 'v1') {
    const byController = (c: 'memory' | 'cpu' | 'pids'): string => cgroups.find((d: string) => probe.bases[c] && d.startsWith(probe.bases[c]!)) ?? `no ${c} cgroup`;
    t.is(await read(byController('memory'), 'memory.limit_in_bytes'), String(96 * 1024 * 1024));
    t.is(await read(byController('cpu'), 'cpu.cfs_quota_us'), '25000');
    t.is(await read(byController('cpu'), 'cpu.cfs_period_us'), '100000');
    t.is(await read(byController('cpu'), 'cpu.shares'), '102');
    t.is(await read(byController('pids'), 'pids.max'), '40');
  } else if (probe.kind === 'v2') {
    t.is(await read(cgroups[0], 'memory.max'), String(96 * 1024 * 1024));
    t.is(await read(cgroups[0], 'cpu.max'), '25000 100000');
    t.is(await read(cgroups[0], 'pids.max'), '40');
  }
  const memberships = output.split('\n').filter((l) => (probe.kind === 'v1' ? /:memory:|:pids:/.test(l) : l.startsWith('0::')));
  t.true(memberships.length > 0);
  for (const line of memberships) t.true(line.endsWith(`/pod-${sandbox}/${id}`), `in its cgroup: ${line}`);
});

test('the pids limit is enforced', async (t) => {
  const config = sandboxConfig(dir, 'forky');
  const sandbox = await runtime.runPodSandbox(config);
  const script = 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & done; wait';
  const { output } = await runToExit(runtime, sandbox, config, shellContainer('forky', script, { resources: { pidsLimit: 4 } }));
  t.regex(output, /fork|resource|Cannot/i, 'forks past the limit fail');
});
