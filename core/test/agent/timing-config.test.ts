// The agent's periods come from the config's agent.timing: checked at start-up, defaults kept
// for what is unset, and used by `corral agent`.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_TIMING } from '../../src/agent/index.js';
import type { Lease } from '../../src/api/index.js';
import { loadConfig } from '../../src/kernel/index.js';
import { startTestApiServer } from '../../src/testing/index.js';
import { Scratch, problemsOf } from '../kernel/helpers.js';
import { clientFor, startCliAgent, waitFor } from './helpers.js';

const TESTING = pathToFileURL(fileURLToPath(new URL('../../src/testing/index.js', import.meta.url))).href;
const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true, kind: 'Lease' };

test('agent.timing sets the periods it names; the others keep their defaults', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.config('agent:\n  timing:\n    nodeStatusMs: 20000\n    leaseRenewMs: 2000\n    leaseDurationSeconds: 8\n    relistMs: 500\n    syncRetryMaxMs: 5000\n');
  const { agent } = (await loadConfig(file, { defaultFile: await s.defaults() })).config;
  t.deepEqual(agent.timing, { nodeStatusMs: 20_000, leaseRenewMs: 2_000, leaseDurationSeconds: 8, relistMs: 500, syncRetryMaxMs: 5_000 });
  const none = await s.config('agent:\n  runtime: process\n', 'none.yaml');
  t.is((await loadConfig(none, { defaultFile: await s.defaults() })).config.agent.timing, undefined);
  t.true(DEFAULT_TIMING.leaseRenewMs < DEFAULT_TIMING.leaseDurationSeconds * 1000, 'the defaults pass their own check');
});

test('a bad period is reported where it was written, with what was expected', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.config('agent:\n  timing:\n    relistMs: 0\n    resyncMs: "often"\n    heartbeatMs: 1000\n    nodeStatusMs: 150.5\n');
  const problems = [...(await problemsOf(t, async () => loadConfig(file, { defaultFile: await s.defaults() })))].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  t.deepEqual(
    problems.map((p) => [p.path, p.line]),
    [
      ['agent.timing.relistMs', 5],
      ['agent.timing.resyncMs', 6],
      ['agent.timing.heartbeatMs', 7],
      ['agent.timing.nodeStatusMs', 8],
    ],
  );
  t.regex(problems[0]!.message, /greater than or equal to 10/);
  t.regex(problems[1]!.message, /must be a number/);
  t.regex(problems[2]!.message, /unknown key; expected one of: leaseRenewMs, /);
  t.regex(problems[3]!.message, /integer/);
});

test('periods that contradict each other are refused, counting the defaults of those unset', async (t) => {
  const s = await Scratch.create(t);
  // The default lease lasts 16 s: renewing every 20 s would let it lapse.
  const lease = await s.config('agent:\n  timing:\n    leaseRenewMs: 20000\n', 'lease.yaml');
  const [problem] = await problemsOf(t, async () => loadConfig(lease, { defaultFile: await s.defaults() }));
  t.is(problem?.path, 'agent.timing');
  t.regex(problem!.message, /leaseRenewMs \(20000\) must be shorter than the lease, leaseDurationSeconds \(16 s\)/);
  const retry = await s.config('agent:\n  timing:\n    syncRetryInitialMs: 30000\n', 'retry.yaml');
  const [retryProblem] = await problemsOf(t, async () => loadConfig(retry, { defaultFile: await s.defaults() }));
  t.regex(retryProblem!.message, /syncRetryMaxMs \(10000\) must not be below syncRetryInitialMs \(30000\)/);
});

test('corral agent renews its node Lease with the configured duration and period', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-agent-timing-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const api = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => api.close());
  await writeFile(
    join(dir, 'fake-runtime.mjs'),
    `import { FakeRuntime } from ${JSON.stringify(TESTING)};
export const plugin = { name: 'FakeRuntimePlugin', apply(corral) { corral.hooks.runtimeAdapter.for('fake').tap('FakeRuntimePlugin', () => new FakeRuntime()); } };
`,
  );
  await writeFile(
    join(dir, 'corral.yaml'),
    'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins:\n  - name: ./fake-runtime.mjs\nagent:\n  runtime: fake\n  network: { pods: none, services: none }\n  timing: { leaseDurationSeconds: 7, leaseRenewMs: 300 }\n',
  );
  const args = ['--config', join(dir, 'corral.yaml'), '--server', api.url, '--node-name', 'timing-node', '--root-dir', join(dir, 'agent'), '--port', '0', '--address', '127.0.0.1', '--node-ip', '127.0.0.1'];
  const { child, output, exited } = await startCliAgent(t, args, 'timing-node');
  const client = clientFor(api.url);
  t.teardown(() => client.close());
  const lease = () => client.get<Lease>(LEASES, 'timing-node', { namespace: 'kube-node-lease' }).catch(() => undefined);
  await waitFor('the node Lease', async () => (await lease()) !== undefined, 10_000);
  t.is((await lease())!.spec?.leaseDurationSeconds, 7);
  // Renewed every 300 ms, not every 4 s: several renewals within two seconds.
  const renewals = new Set<string>();
  const until = Date.now() + 2_000;
  while (Date.now() < until) {
    const renewTime = (await lease())?.spec?.renewTime;
    if (renewTime) renewals.add(renewTime);
    await new Promise((r) => setTimeout(r, 100));
  }
  t.true(renewals.size >= 3, `renewals seen: ${[...renewals].join(', ')}`);
  child.kill('SIGTERM');
  t.is(await exited, 0, output());
});
