// How pods start: many at once (kubelet has a worker per pod), without syncs the agent's own
// status writes would cause, and with each pod's milestones traced when asked.
import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../src/api/index.js';
import { PODS } from '../../src/client/index.js';
import type { PodSandboxConfig, PodSandboxStatus, SandboxFilter } from '../../src/kernel/index.js';
import { FakeRuntime } from '../../src/testing/index.js';
import { TRACE_ENV } from '../../src/agent/pods/startupTrace.js';
import { FAST, createPod, pod, podUntil, startAgentEnv, waitFor } from './helpers.js';

const runningAndReady = (p: Pod) =>
  p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** Holds every sandbox creation until `expected` of them wait at once. */
class GatedRuntime extends FakeRuntime {
  inFlight = 0;
  mostInFlight = 0;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  constructor(private readonly expected: number) {
    super();
  }

  override async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    if (this.inFlight >= this.expected) this.open();
    await this.gate;
    this.inFlight--;
    return super.runPodSandbox(config);
  }
}

/** Counts the reads of one pod's runtime state (each sync of a pod starts with one). */
class CountingRuntime extends FakeRuntime {
  readonly stateReads = new Map<string, number>();

  override async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandboxStatus[]> {
    const uid = filter.labels?.['corral.dev/pod-uid'];
    if (uid) this.stateReads.set(uid, (this.stateReads.get(uid) ?? 0) + 1);
    return super.listPodSandboxes(filter);
  }
}

test('16 pods bound at once are synced at once: every sandbox is being made at the same time', async (t) => {
  const count = 16;
  const runtime = new GatedRuntime(count);
  t.teardown(() => runtime.dispose());
  const env = await startAgentEnv(t, { runtime, capacity: { cpu: '4', memory: '8Gi', pods: 100 } });
  await Promise.all(Array.from({ length: count }, (_, i) => createPod(env.client, pod(`burst-${i}`, { containers: [{ name: 'app', image: 'busybox' }] }))));
  await waitFor(
    `all ${count} pods Running (sandboxes in flight at most: ${runtime.mostInFlight})`,
    async () => {
      const pods = (await env.client.list<Pod>(PODS, { namespace: 'default' })).items;
      return (pods.length === count && pods.every(runningAndReady)) || undefined;
    },
    20_000,
  );
  t.is(runtime.mostInFlight, count);
});

test('the agent does not sync a pod again for its own status write, nor for containers it just started', async (t) => {
  const runtime = new CountingRuntime();
  t.teardown(() => runtime.dispose());
  // No periodic resync during the test: only events may cause syncs.
  const env = await startAgentEnv(t, { runtime, timing: { ...FAST, resyncMs: 60_000 } });
  const created = await createPod(env.client, pod('quiet', { containers: [{ name: 'app', image: 'busybox' }] }));
  const uid = created.metadata.uid!;
  await podUntil(env.client, 'quiet', 'Running and ready', runningAndReady);
  // Many relists (every 50 ms) and the watch event of the status write come and go meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  // One sync did it all: it read the state before starting anything and once at the end.
  const reads = runtime.stateReads.get(uid) ?? 0;
  t.is(reads, 2);

  // A change to the pod still syncs it: a label, as anything else outside the status.
  await env.client.patch('pods', 'quiet', { metadata: { labels: { touched: 'yes' } } }, 'merge', { namespace: 'default' });
  await waitFor('a sync after the label change', async () => ((runtime.stateReads.get(uid) ?? 0) > reads ? true : undefined));
  // And so does a container that exits.
  const container = runtime.containersOf('app', 'quiet')[0]!;
  runtime.exit(container.id, 3);
  await waitFor('the restarted container', async () => (runtime.containersOf('app', 'quiet').length === 2 ? true : undefined));
  t.pass();
});

test.serial('with CORRAL_AGENT_TRACE set, each pod start-up milestone is a line of the trace file, in order', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-agent-trace-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'trace.jsonl');
  process.env[TRACE_ENV] = file;
  let env;
  try {
    env = await startAgentEnv(t);
  } finally {
    delete process.env[TRACE_ENV];
  }
  const created = await createPod(env.client, pod('traced', { containers: [{ name: 'app', image: 'busybox' }] }));
  await podUntil(env.client, 'traced', 'Running and ready', runningAndReady);
  await env.agent.stop();
  const lines = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { uid: string; pod: string; step: string; at: number });
  const mine = lines.filter((l) => l.uid === created.metadata.uid);
  t.true(mine.every((l) => l.pod === 'default/traced'));
  const steps = mine.map((l) => l.step).filter((s, i, all) => all.indexOf(s) === i);
  t.deepEqual(steps, ['seen', 'syncStart', 'stateRead', 'sandboxRun', 'sandboxReady', 'imageReady:app', 'containerCreated:app', 'containerStarted:app', 'statusComputed', 'status:Running']);
  t.true(mine.every((l, i) => i === 0 || l.at >= mine[i - 1]!.at), 'times only go forward');
});
