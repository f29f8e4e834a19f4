// `npm run bench -- startup [--pods N] [--runtimes process,docker,cri] [--rss-pods M]
// [--network bridge|none]`: pod startup latency through the agent, per runtime: N pods already
// bound to the node are created at once; each one's latency runs from its create call to the
// watch event that shows it Running and Ready. Images are present (built locally); the docker and
// cri runs start their own daemons. Pods are on the bridge pod network when run as root (a bridge
// and subnet of the benchmark's own), else on the node's. Then the agent's resident memory with M
// running pods (process runtime). The agent is a real `corral agent` process; the API server runs
// in this one. Each run also says where the time went: the agent's start-up milestones per pod.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient, type Pod } from '@corral/core';
import { startTestApiServer } from '@corral/core/testing';
import { BUSYBOX_IMAGE as CRI_IMAGE, startContainerd } from '@corral/runtime-cri/testing';
import { BUSYBOX_IMAGE as DOCKER_IMAGE, buildBusyboxImage, startDockerd } from '@corral/runtime-docker/testing';
import { BridgeNetwork } from '@corral/network-bridge';
import { latencySummary, nowMs, percentile, round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', '..', '..', 'core', 'bin', 'corral.js');
const GOALS: Record<string, number> = { process: 1000, docker: 2000, cri: 2000 };
const RSS_GOAL_MB = 80;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

interface RuntimeSetup {
  image: string;
  plugin: string;
  options: Record<string, unknown>;
  stop(): Promise<void>;
}

async function runtimeSetup(name: string): Promise<RuntimeSetup> {
  if (name === 'process') return { image: 'busybox', plugin: '@corral/runtime-process', options: {}, stop: async () => undefined };
  if (name === 'docker') {
    const daemon = await startDockerd();
    await buildBusyboxImage(daemon.docker);
    return { image: DOCKER_IMAGE, plugin: '@corral/runtime-docker', options: { socket: daemon.host, pauseImage: DOCKER_IMAGE, pauseCommand: ['sleep', '2147483647'] }, stop: () => daemon.stop() };
  }
  const daemon = await startContainerd();
  return { image: daemon.image ?? CRI_IMAGE, plugin: '@corral/runtime-cri', options: { endpoint: daemon.endpoint, cgroupParent: daemon.cgroupParent }, stop: async () => void (await daemon.stop()) };
}

/** The benchmark's own bridge and subnet (10.2xx.x.0/24), so it runs beside tests. */
interface PodBridge {
  bridge: string;
  podCIDR: string;
}

function podBridge(): PodBridge {
  const r = () => Math.floor(Math.random() * 250) + 1;
  return { bridge: `crlb${Math.random().toString(16).slice(2, 8)}`, podCIDR: `10.${200 + Math.floor(Math.random() * 50)}.${r()}.0/24` };
}

async function removeBridge(dir: string, net: PodBridge): Promise<void> {
  await new BridgeNetwork({ ...net, stateDir: join(dir, 'bridge-cleanup') }).removeBridge();
}

const tracePath = (dir: string) => join(dir, 'startup-trace.jsonl');

async function startAgent(dir: string, url: string, runtime: string, setup: RuntimeSetup, net: PodBridge | undefined): Promise<ChildProcess> {
  const config = join(dir, 'corral.yaml');
  const plugins = [{ name: setup.plugin, options: setup.options }, ...(net ? [{ name: '@corral/network-bridge', options: net }] : [])];
  await writeFile(
    config,
    JSON.stringify({
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'CorralConfig',
      plugins,
      agent: { runtime, network: { pods: net ? 'bridge' : 'none', services: 'none' } },
    }),
  );
  const child = spawn(process.execPath, [bin, 'agent', '--config', config, '--server', url, '--node-name', `bench-${runtime}`, '--root-dir', join(dir, 'agent'), '--port', '0', '--address', '127.0.0.1', '--node-ip', '127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // The agent writes each pod's start-up milestones there (see breakdown()).
    env: { ...process.env, CORRAL_AGENT_TRACE: tracePath(dir) },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  child.once('exit', (code) => {
    if (code) process.stderr.write(`agent (${runtime}) exited ${code}: ${stderr}\n`);
  });
  return child;
}

function pod(name: string, node: string, image: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { bench: 'startup' } },
    spec: { nodeName: node, restartPolicy: 'Always', terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exec sleep 3600'] }] },
  };
}

const running = (p: Pod) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Where the time went: for each milestone the agent traced, how long after its pod's create
 * call it came (p50 and max over the pods), the last step being the watch seeing it Running;
 * and how many syncs a pod took until then.
 */
async function breakdown(dir: string, createdAt: ReadonlyMap<string, number>, runningAt: ReadonlyMap<string, number>): Promise<Record<string, unknown>> {
  const text = await readFile(tracePath(dir), 'utf8').catch(() => '');
  const first = new Map<string, Map<string, number>>();
  const syncs = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const { pod: key, step, at } = JSON.parse(line) as { pod: string; step: string; at: number };
    const name = key.slice(key.indexOf('/') + 1);
    const created = createdAt.get(name);
    if (created === undefined) continue;
    if (step === 'syncStart') syncs.set(name, (syncs.get(name) ?? 0) + 1);
    let steps = first.get(name);
    if (!steps) first.set(name, (steps = new Map()));
    if (!steps.has(step)) steps.set(step, at - created);
  }
  for (const [name, at] of runningAt) first.get(name)?.set('seenRunning', at - createdAt.get(name)!);
  const byStep = new Map<string, number[]>();
  for (const steps of first.values()) for (const [step, ms] of steps) byStep.set(step, [...(byStep.get(step) ?? []), ms]);
  const rows = [...byStep].map(([step, ms]) => ({ step, pods: ms.length, p50: round(percentile(ms, 50), 0), max: round(Math.max(...ms), 0) }));
  rows.sort((a, b) => a.p50 - b.p50);
  const counts = [...syncs.values()];
  return { msAfterCreate: rows, syncsPerPod: { p50: percentile(counts, 50), max: Math.max(...counts) } };
}

interface Burst {
  latencies: number[];
  /** Wall-clock ms of each pod's create call and of the watch event showing it Running. */
  createdAt: Map<string, number>;
  runningAt: Map<string, number>;
}

/** Creates `count` pods at once; resolves with each one's create -> Running and Ready latency. */
async function burst(client: ApiClient, node: string, image: string, count: number, prefix: string): Promise<Burst> {
  const created = new Map<string, number>();
  const createdAt = new Map<string, number>();
  const runningAt = new Map<string, number>();
  const latencies: number[] = [];
  const watch = client.watch<Pod>('pods', { namespace: 'default', labelSelector: 'bench=startup' });
  const done = (async () => {
    for await (const event of watch) {
      const name = event.object.metadata.name!;
      if (!name.startsWith(prefix) || !running(event.object) || !created.has(name)) continue;
      latencies.push(nowMs() - created.get(name)!);
      runningAt.set(name, Date.now());
      created.delete(name);
      if (latencies.length === count) break;
    }
  })();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `${prefix}${i}`;
      created.set(name, nowMs());
      createdAt.set(name, Date.now());
      await client.create('pods', pod(name, node, image));
    }),
  );
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`pods of ${prefix} not all Running after 120 s (${latencies.length}/${count})`)), 120_000).unref());
  await Promise.race([done, timeout]);
  watch.stop();
  return { latencies, createdAt, runningAt };
}

async function waitNodeReady(client: ApiClient, node: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const n = await client.get<any>('nodes', node);
      if (n.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')) return;
    } catch {
      // Not registered yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node ${node} did not register`);
}

async function clean(client: ApiClient): Promise<void> {
  await client.deleteCollection('pods', { namespace: 'default', labelSelector: 'bench=startup' });
  for (let i = 0; i < 600; i++) {
    if ((await client.list('pods', { namespace: 'default', labelSelector: 'bench=startup' })).items.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU time (user + system, ms) of the process so far, and of its children it waited for. */
async function cpuMs(pid: number): Promise<{ own: number; children: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // utime, stime, cutime, cstime: fields 14 to 17, in clock ticks (100 a second on Linux).
  return { own: (fields[11]! + fields[12]!) * 10, children: (fields[13]! + fields[14]!) * 10 };
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024, 1);
}

/** The RSS of a Node.js process that loads nothing, for scale: what any agent starts from. */
async function bareNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1 << 30)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return await rssMb(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

async function stopAgent(agent: ChildProcess): Promise<void> {
  if (agent.exitCode !== null) return;
  const exited = new Promise((r) => agent.once('exit', r));
  agent.kill('SIGTERM');
  await exited;
}

export async function run(args: string[]): Promise<BenchResult> {
  const count = option(args, 'pods', 30);
  const rssPods = option(args, 'rss-pods', 100);
  const i = args.indexOf('--runtimes');
  const runtimes = i === -1 ? ['process', 'docker', 'cri'] : args[i + 1]!.split(',');
  const n = args.indexOf('--network');
  const network = n === -1 ? (process.getuid?.() === 0 ? 'bridge' : 'none') : args[n + 1];
  if (network !== 'bridge' && network !== 'none') throw new Error(`--network: expected bridge or none, got ${network}`);
  const api = await startTestApiServer({ backend: 'embedded' });
  const client = new ApiClient({ server: api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const results: Record<string, unknown> = { pods: count, network };
  const targets: BenchTarget[] = [];
  try {
    for (const runtime of runtimes) {
      const dir = await mkdtemp(join(tmpdir(), `corral-bench-startup-${runtime}-`));
      const setup = await runtimeSetup(runtime);
      // The cri runtime's pods get their network from containerd's CNI, not from the agent.
      const net = network === 'bridge' && runtime !== 'cri' ? podBridge() : undefined;
      const agent = await startAgent(dir, api.url, runtime, setup, net);
      try {
        const node = `bench-${runtime}`;
        await waitNodeReady(client, node);
        const idleRss = runtime === 'process' ? await rssMb(agent.pid!) : undefined;
        // One pod first, so one-time costs (the image's first use) are not in the burst.
        await burst(client, node, setup.image, 1, `warm-${runtime}-`);
        const start = nowMs();
        const cpuBefore = await cpuMs(agent.pid!);
        const { latencies, createdAt, runningAt } = await burst(client, node, setup.image, count, `${runtime}-`);
        const summary = latencySummary(latencies);
        const allRunningMs = round(nowMs() - start, 0);
        const cpuAfter = await cpuMs(agent.pid!);
        const agentCpuMs = { own: cpuAfter.own - cpuBefore.own, children: cpuAfter.children - cpuBefore.children };
        // The agent writes its trace behind its work: give the last lines time to land.
        await new Promise((r) => setTimeout(r, 500));
        results[runtime] = { ...summary, allRunningMs, agentCpuMs, breakdown: await breakdown(dir, createdAt, runningAt) };
        targets.push({ what: `${runtime}: pod startup p99 (${count} pods at once, ms)`, value: summary.p99, target: `<= ${GOALS[runtime] ?? 2000} ms (the Kubernetes SLO: 5 s)`, met: summary.p99 <= (GOALS[runtime] ?? 2000) });
        await clean(client);
        if (runtime === 'process') {
          await burst(client, node, setup.image, rssPods, 'rss-');
          await new Promise((r) => setTimeout(r, 2000));
          const rss = await rssMb(agent.pid!);
          results.agentRss = { pods: rssPods, rssMb: rss, idleRssMb: idleRss, bareNodeRssMb: await bareNodeRssMb() };
          targets.push({ what: `agent RSS with ${rssPods} running pods (MB)`, value: rss, target: `<= ${RSS_GOAL_MB} MB (k3s's agent: ~275 MB)`, met: rss <= RSS_GOAL_MB });
          await clean(client);
        }
      } finally {
        await clean(client).catch(() => undefined);
        await stopAgent(agent);
        if (net) await removeBridge(dir, net).catch((err) => process.stderr.write(`removing the bridge ${net.bridge}: ${String(err)}\n`));
        await setup.stop();
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    client.close();
    await api.close();
  }
  return { name: 'startup', results, targets };
}
