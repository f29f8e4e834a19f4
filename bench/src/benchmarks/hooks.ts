// `npm run bench -- hooks [--nodes N] [--rounds R]`: the cost of the hook machinery on the
// scheduler's hot path. A profile's filter hook (a SyncBailHook with 10 taps, built by the
// kernel from a config file) runs over every node, against a plain loop calling the same 10
// filter methods on the same plugin instances, in the same run, rounds interleaved.
// tapable compiles `call` into straight-line code with one call site per tap, where the loop has
// one call site for ten functions; so the hook may well come out faster than the baseline.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CycleState,
  Problems,
  SchedulerPluginRegistry,
  buildSchedulerProfiles,
  loadConfig,
  nodeInfo,
  unschedulable,
  type FailureStatus,
  type FilterPlugin,
  type Node,
  type NodeInfo,
  type Pod,
} from '@corral/core';
import { nowMs, percentile, round } from '../stats.js';
import type { BenchResult } from '../types.js';

const TAPS = 10;
const GOAL_RATIO = 1.2;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Ten cheap, distinct filters, each reading one label as real filters read node fields. */
function filterPlugins(): FilterPlugin[] {
  return Array.from({ length: TAPS }, (_, i) => {
    const key = `bench.corral.dev/f${i}`;
    const name = `Filter${i}`;
    return {
      filter(_pod: Pod, node: NodeInfo): FailureStatus | undefined {
        return node.node.metadata.labels?.[key] === 'blocked' ? unschedulable(name, `${key} is blocked`) : undefined;
      },
    };
  });
}

function nodes(count: number): NodeInfo[] {
  return Array.from({ length: count }, (_, i) => {
    const labels: Record<string, string> = { 'kubernetes.io/hostname': `node-${i}` };
    for (let f = 0; f < TAPS; f++) labels[`bench.corral.dev/f${f}`] = 'open';
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, labels } };
    return nodeInfo(node);
  });
}

/** Builds the profile the way start-up does: a config file, a registry, the kernel's taps. */
async function filterHook(plugins: FilterPlugin[]) {
  const dir = await mkdtemp(join(tmpdir(), 'corral-bench-hooks-'));
  try {
    const enabled = plugins.map((_, i) => `{ name: Filter${i} }`).join(', ');
    const file = join(dir, 'defaults.yaml');
    await writeFile(
      file,
      `apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nscheduler:\n  profiles:\n    - name: bench\n      plugins: { filter: { enabled: [${enabled}] } }\n`,
    );
    const loaded = await loadConfig(undefined, { defaultFile: file });
    const registry = new SchedulerPluginRegistry();
    plugins.forEach((plugin, i) => registry.add({ name: `Filter${i}`, create: () => plugin }));
    const problems = new Problems(loaded.sources);
    const profiles = buildSchedulerProfiles(loaded.config.scheduler.profiles, registry, problems);
    problems.throwIfAny();
    return profiles.get('bench')!.hooks.filter;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const nodeCount = option(args, 'nodes', 5000);
  const rounds = option(args, 'rounds', 1000);
  const warmup = Math.max(50, Math.floor(rounds / 2));
  const plugins = filterPlugins();
  const hook = await filterHook(plugins);
  const cluster = nodes(nodeCount);
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } };

  // One round: filter every node, count the feasible ones (so nothing can be optimized away).
  const viaHook = (): number => {
    const state = new CycleState();
    let feasible = 0;
    for (const node of cluster) if (hook.call(pod, node, state) === undefined) feasible++;
    return feasible;
  };
  const viaLoop = (): number => {
    const state = new CycleState();
    let feasible = 0;
    for (const node of cluster) {
      let failed: FailureStatus | undefined;
      for (const plugin of plugins) {
        failed = plugin.filter(pod, node, state);
        if (failed !== undefined) break;
      }
      if (failed === undefined) feasible++;
    }
    return feasible;
  };

  const timed = (fn: () => number, samples: number[]) => {
    const t0 = nowMs();
    const feasible = fn();
    samples.push(nowMs() - t0);
    if (feasible !== nodeCount) throw new Error(`expected every node to fit, got ${feasible}`);
  };
  const discard: number[] = [];
  for (let i = 0; i < warmup; i++) {
    timed(viaHook, discard);
    timed(viaLoop, discard);
  }
  const hookMs: number[] = [];
  const loopMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first so drift (GC, frequency) hits both alike.
    if (i % 2 === 0) {
      timed(viaHook, hookMs);
      timed(viaLoop, loopMs);
    } else {
      timed(viaLoop, loopMs);
      timed(viaHook, hookMs);
    }
  }

  const hookMedian = percentile(hookMs, 50);
  const loopMedian = percentile(loopMs, 50);
  const ratio = hookMedian / loopMedian;
  const summary = (samples: number[]) => ({
    medianMs: round(percentile(samples, 50), 4),
    p90Ms: round(percentile(samples, 90), 4),
    nsPerNode: round((percentile(samples, 50) * 1e6) / nodeCount, 1),
  });
  return {
    name: 'hooks',
    results: {
      nodes: nodeCount,
      taps: TAPS,
      rounds,
      warmupRounds: warmup,
      profileFilterHook: summary(hookMs),
      plainLoop: summary(loopMs),
      ratio: round(ratio, 3),
      overheadPercent: round((ratio - 1) * 100, 1),
    },
    targets: [
      {
        what: `profile filter hook (SyncBailHook, ${TAPS} taps) over ${nodeCount} nodes, median ms per round, vs a plain loop over the same ${TAPS} filters`,
        value: round(hookMedian, 4),
        baseline: round(loopMedian, 4),
        ratio: round(ratio, 3),
        target: `< ${GOAL_RATIO} x baseline (hook machinery costs < 20% over the plain loop)`,
        met: ratio < GOAL_RATIO,
      },
    ],
  };
}
