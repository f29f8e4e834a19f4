import {
  CycleState,
  nodeInfo,
  SCHEDULER_HANDLE_KEY,
  type Node,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type SchedulerHandle,
  type SchedulerPlugin,
  type SchedulerPluginFactory,
  type Service,
} from '@corral/core';

let uids = 0;

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  spec?: Node['spec'];
  extra?: Record<string, string | number>;
}

export function node(name: string, opts: NodeSpec = {}): Node {
  const allocatable = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? 110, ...opts.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    spec: opts.spec ?? {},
    status: { allocatable, capacity: allocatable },
  };
}

export interface PodSpec {
  cpu?: string;
  memory?: string;
  extra?: Record<string, string | number>;
  nodeName?: string;
  hostPorts?: { port: number; protocol?: 'TCP' | 'UDP'; hostIP?: string }[];
  labels?: Record<string, string>;
  owner?: string;
  namespace?: string;
  spec?: Partial<Pod['spec']>;
}

export function pod(name: string, opts: PodSpec = {}): Pod {
  const requests: Record<string, string | number> = { ...opts.extra };
  if (opts.cpu) requests.cpu = opts.cpu;
  if (opts.memory) requests.memory = opts.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      uid: `pod-${name}-${++uids}`,
      labels: opts.labels ?? {},
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: opts.owner, uid: opts.owner, controller: true }] } : {}),
    },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'app:1',
          ...(Object.keys(requests).length > 0 ? { resources: { requests } } : {}),
          ...(opts.hostPorts ? { ports: opts.hostPorts.map((p) => ({ containerPort: p.port, hostPort: p.port, ...(p.protocol ? { protocol: p.protocol } : {}), ...(p.hostIP ? { hostIP: p.hostIP } : {}) })) } : {}),
        },
      ],
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...opts.spec,
    },
  };
}

/** A NodeInfo holding `pods` (their spec.nodeName is set to the node). */
export function info(n: Node, pods: Pod[] = []): NodeInfo {
  return nodeInfo(n, pods.map((p) => ({ ...p, spec: { ...p.spec, nodeName: n.metadata.name } })));
}

/** A plugin instance, created as a profile would with its args validated by its own schema. */
export function instance<A>(factory: SchedulerPluginFactory<A>, args?: unknown): SchedulerPlugin {
  let validated = args as A;
  if (factory.args) {
    const { value, error } = factory.args.validate(args ?? {});
    if (error) throw error;
    validated = value as A;
  }
  return factory.create(validated, { profileName: 'test' });
}

/** A CycleState carrying a scheduler handle over `nodes` (what the scheduler provides). */
export function stateWith(nodes: readonly NodeInfo[], extra: Partial<SchedulerHandle> = {}, services: Service[] = []): CycleState {
  const state = new CycleState();
  const handle: SchedulerHandle = {
    nodes,
    nodeInfo: (name) => nodes.find((n) => n.name === name),
    services: (ns) => services.filter((s) => (s.metadata.namespace ?? 'default') === ns),
    controllerPlacement: (uid) => {
      const m = new Map<string, number>();
      for (const n of nodes) if (n.podsByController.has(uid)) m.set(n.name, n.podsByController.get(uid)!);
      return m;
    },
    bind: async () => {},
    waitingPod: () => undefined,
    ...extra,
  };
  state.write(SCHEDULER_HANDLE_KEY, handle);
  return state;
}

/** Runs preScore (if any), score and normalizeScore over `nodes`, like the profile's score hook. */
export function scores(plugin: SchedulerPlugin, p: Pod, nodes: readonly NodeInfo[], state = stateWith(nodes)): Record<string, number> | 'skipped' {
  const pre = plugin.preScore?.(p, nodes, state);
  if (pre?.code === 'Skip') return 'skipped';
  const list: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score!(p, n, state) }));
  plugin.normalizeScore?.(list, p, state);
  return Object.fromEntries(list.map((s) => [s.name, s.score]));
}
