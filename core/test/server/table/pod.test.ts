import test from 'ava';
import type { ContainerStatus, Pod } from '../../../src/api/index.js';
import { toTable } from '../../../src/server/table/index.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();

function pod(name: string, extra: { spec?: Partial<Pod['spec']>; status?: Pod['status']; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: ago(5 * 60_000),
      ...(extra.deleting ? { deletionTimestamp: ago(1000) } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...extra.spec },
    status: extra.status ?? { phase: 'Pending' },
  };
}

const cs = (name: string, state: ContainerStatus['state'], more: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  state,
  ready: false,
  restartCount: 0,
  image: 'nginx',
  imageID: '',
  ...more,
});

/** NAME, READY, STATUS, RESTARTS, AGE of one pod. */
const row = (p: Pod): unknown[] => toTable('Pod', [p], { now, wide: false }).rows[0]!.cells;

test('the columns, with IP, NODE, NOMINATED NODE and READINESS GATES wide-only', (t) => {
  const table = toTable('Pod', [], { now });
  t.deepEqual(table.columnDefinitions.map((c) => [c.name, c.priority]), [
    ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0],
    ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
  ]);
  t.is(table.columnDefinitions[0]!.format, 'name');
});

test('a running pod: ready count, restarts with how long ago, IP and node', (t) => {
  const p = pod('web', {
    spec: { nodeName: 'node-1' },
    status: {
      phase: 'Running',
      podIP: '10.244.1.5',
      containerStatuses: [cs('app', { running: { startedAt: ago(60_000) } }, { ready: true, restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * 60_000) } } })],
    },
  });
  t.deepEqual(toTable('Pod', [p], { now }).rows[0]!.cells, ['web', '1/1', 'Running', '2 (3m ago)', '5m', '10.244.1.5', 'node-1', '<none>', '<none>']);
});

test('a pending pod with no statuses yet', (t) => {
  t.deepEqual(row(pod('new', { spec: { containers: [{ name: 'a' }, { name: 'b' }] } })), ['new', '0/2', 'Pending', '0', '5m']);
});

test('CrashLoopBackOff comes from the waiting reason; the first container wins', (t) => {
  const p = pod('crash', {
    spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        cs('a', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 7 }),
        cs('b', { waiting: { reason: 'ImagePullBackOff' } }),
      ],
    },
  });
  t.deepEqual(row(p), ['crash', '0/2', 'CrashLoopBackOff', '7', '5m']);
});

test('a finished pod says Completed and carries the Completed row condition', (t) => {
  const p = pod('job-x', { status: { phase: 'Succeeded', containerStatuses: [cs('app', { terminated: { exitCode: 0, reason: 'Completed' } })] } });
  const r = toTable('Pod', [p], { now }).rows[0]!;
  t.is(r.cells[2], 'Completed');
  t.deepEqual(r.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
});

test('exit codes and signals when a container stopped without a reason', (t) => {
  const code = pod('a', { status: { phase: 'Failed', containerStatuses: [cs('app', { terminated: { exitCode: 3 } })] } });
  const signal = pod('b', { status: { phase: 'Failed', containerStatuses: [cs('app', { terminated: { exitCode: 137, signal: 9 } })] } });
  t.is(row(code)[2], 'ExitCode:3');
  t.is(row(signal)[2], 'Signal:9');
});

test('a pod being deleted is Terminating, unless its node is lost', (t) => {
  const running = { phase: 'Running' as const, containerStatuses: [cs('app', { running: {} }, { ready: true })] };
  t.is(row(pod('a', { deleting: true, status: running }))[2], 'Terminating');
  t.is(row(pod('b', { deleting: true, status: { ...running, reason: 'NodeLost' } }))[2], 'Unknown');
  t.is(row(pod('c', { deleting: true, status: { phase: 'Succeeded' } }))[2], 'Succeeded');
});

test('init containers: Init:n/m, Init:<reason>, and a failed one', (t) => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }] };
  const first = pod('a', { spec, status: { phase: 'Pending', initContainerStatuses: [cs('i1', { running: {} }), cs('i2', { waiting: { reason: 'PodInitializing' } })] } });
  t.deepEqual(row(first), ['a', '0/1', 'Init:0/2', '0', '5m']);
  const second = pod('b', {
    spec,
    status: { phase: 'Pending', initContainerStatuses: [cs('i1', { terminated: { exitCode: 0 } }), cs('i2', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 4 })] },
  });
  t.deepEqual(row(second), ['b', '0/1', 'Init:CrashLoopBackOff', '4', '5m']);
  const failed = pod('c', { spec, status: { phase: 'Failed', initContainerStatuses: [cs('i1', { terminated: { exitCode: 2, reason: 'Error' } })] } });
  t.is(row(failed)[2], 'Init:Error');
});

test('a sidecar (restartable init container) counts toward READY', (t) => {
  const p = pod('side', {
    spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' } as never] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [cs('proxy', { running: {} }, { ready: true, started: true })],
      containerStatuses: [cs('app', { running: {} }, { ready: true })],
    },
  });
  t.deepEqual(row(p), ['side', '2/2', 'Running', '0', '5m']);
});

test('a completed main container with a sidecar still running reads Running or NotReady', (t) => {
  const status = (ready: boolean): Pod['status'] => ({
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [cs('app', { running: {} }, { ready: true }), cs('done', { terminated: { exitCode: 0, reason: 'Completed' } })],
  });
  const spec = { containers: [{ name: 'app' }, { name: 'done' }] };
  t.is(row(pod('a', { spec, status: status(true) }))[2], 'Running');
  t.is(row(pod('b', { spec, status: status(false) }))[2], 'NotReady');
});

test('wide: nominated node and readiness gates when the pod has them', (t) => {
  const p = pod('gated', {
    spec: { readinessGates: [{ conditionType: 'lb/ready' }, { conditionType: 'dns/ready' }] } as never,
    status: { phase: 'Pending', nominatedNodeName: 'node-2', conditions: [{ type: 'lb/ready', status: 'True' }] } as never,
  });
  t.deepEqual(toTable('Pod', [p], { now }).rows[0]!.cells.slice(5), ['<none>', '<none>', 'node-2', '1/2']);
});
