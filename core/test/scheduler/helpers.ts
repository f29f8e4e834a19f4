import type { ExecutionContext } from 'ava';
import type { Node, Pod } from '../../src/api/index.js';
import {
  buildSchedulerProfiles,
  loadConfig,
  Problems,
  SchedulerPluginRegistry,
  type SchedulerPluginFactory,
  type SchedulerProfile,
} from '../../src/kernel/index.js';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler/index.js';
import { ManualClock } from '../../src/testing/clock.js';
import { InMemoryBinder, RecordingEvents } from '../../src/testing/hollow.js';
import { Scratch } from '../kernel/helpers.js';

/** Builds scheduler profiles the way start-up does, from a `scheduler:` YAML block and test plugins. */
export async function buildProfiles(t: ExecutionContext, schedulerYaml: string, factories: readonly SchedulerPluginFactory[]): Promise<Map<string, SchedulerProfile>> {
  const s = await Scratch.create(t);
  const loaded = await loadConfig(undefined, { defaultFile: await s.defaults(schedulerYaml) });
  const registry = new SchedulerPluginRegistry();
  for (const f of factories) registry.add(f);
  const problems = new Problems(loaded.sources);
  const profiles = buildSchedulerProfiles(loaded.config.scheduler.profiles, registry, problems);
  problems.throwIfAny();
  return profiles;
}

export interface Harness {
  readonly scheduler: Scheduler;
  readonly binder: InMemoryBinder;
  readonly events: RecordingEvents;
  readonly clock: ManualClock;
}

/** A scheduler on a manual clock, with an in-memory binder that confirms bindings back to it. */
export function harness(profiles: ReadonlyMap<string, SchedulerProfile>, options: Partial<SchedulerOptions> = {}): Harness {
  const clock = new ManualClock();
  const binder = new InMemoryBinder();
  const events = new RecordingEvents();
  const scheduler = new Scheduler({ profiles, binder, events, clock, random: () => 0.5, ...options });
  binder.source = scheduler;
  return { scheduler, binder, events, clock };
}

export function node(name: string, opts: { cpu?: string; memory?: string; pods?: number; labels?: Record<string, string> } = {}): Node {
  const allocatable = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? 110 };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...opts.labels } }, status: { allocatable, capacity: allocatable } };
}

let uids = 0;

export function pod(name: string, opts: { cpu?: string; memory?: string; nodeName?: string; priority?: number; schedulerName?: string; labels?: Record<string, string>; hostPort?: number } = {}): Pod {
  const requests: Record<string, string> = {};
  if (opts.cpu) requests.cpu = opts.cpu;
  if (opts.memory) requests.memory = opts.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `pod-uid-${++uids}`, labels: opts.labels ?? {} },
    spec: {
      containers: [{ name: 'c', image: 'app:1', resources: { requests }, ...(opts.hostPort ? { ports: [{ containerPort: 80, hostPort: opts.hostPort }] } : {}) }],
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      ...(opts.schedulerName ? { schedulerName: opts.schedulerName } : {}),
    },
  };
}
