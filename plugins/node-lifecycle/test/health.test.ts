import test from 'ava';
import type { Node, Pod, Taint } from '@corral/core';
import {
  evictionTime,
  lastHeartbeat,
  markedUnknown,
  NODE_STATUS_UNKNOWN,
  NOT_READY_TAINT_KEY,
  reconciledTaints,
  UNREACHABLE_TAINT_KEY,
} from '../src/index.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function node(readyStatus: 'True' | 'False' | 'Unknown', heartbeat: number, taints?: Taint[]): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', creationTimestamp: at(-100) },
    spec: taints ? { taints } : {},
    status: {
      conditions: [
        { type: 'Ready', status: readyStatus, reason: 'AgentReady', lastHeartbeatTime: at(heartbeat) },
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Custom', status: 'True' },
      ],
    },
  };
}

test('the newest heartbeat is the latest of lease renewal, Ready heartbeat and creation', (t) => {
  const n = node('True', 5);
  t.is(lastHeartbeat(n, undefined), T0 + 5000);
  t.is(lastHeartbeat(n, { metadata: { name: 'n1' }, spec: { renewTime: at(9) } }), T0 + 9000);
  t.is(lastHeartbeat(n, { metadata: { name: 'n1' }, spec: { renewTime: at(1) } }), T0 + 5000);
  const fresh: Node = { metadata: { name: 'n2', creationTimestamp: at(20) } };
  t.is(lastHeartbeat(fresh, undefined), T0 + 20000);
});

test('a silent node gets every agent condition Unknown, once', (t) => {
  const marked = markedUnknown(node('True', 0), at(30))!;
  const byType = Object.fromEntries(marked.status!.conditions!.map((c) => [c.type, c]));
  t.is(byType.Ready!.status, 'Unknown');
  t.is(byType.Ready!.reason, NODE_STATUS_UNKNOWN);
  t.is(byType.Ready!.message, 'Kubelet stopped posting node status.');
  t.is(byType.Ready!.lastHeartbeatTime, at(0));
  t.is(byType.Ready!.lastTransitionTime, at(30));
  t.is(byType.MemoryPressure!.status, 'Unknown');
  t.is(byType.Custom!.status, 'True');
  t.is(markedUnknown(marked, at(40)), undefined);
});

test('taints follow Ready: unreachable for Unknown, not-ready for False, none for True; others kept', (t) => {
  const other: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const unknown = reconciledTaints(node('Unknown', 0, [other]), 'Unknown', at(30))!;
  t.deepEqual(unknown, [other, { key: UNREACHABLE_TAINT_KEY, effect: 'NoSchedule' }, { key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: at(30) }]);
  t.is(reconciledTaints(node('Unknown', 0, unknown), 'Unknown', at(60)), undefined, 'no change: timeAdded is kept');
  const notReady = reconciledTaints(node('False', 0, unknown), 'False', at(70))!;
  t.deepEqual(notReady.map((x) => `${x.key}:${x.effect}`), ['dedicated:NoSchedule', `${NOT_READY_TAINT_KEY}:NoSchedule`, `${NOT_READY_TAINT_KEY}:NoExecute`]);
  t.deepEqual(reconciledTaints(node('True', 0, notReady), 'True', at(80)), [other]);
  t.is(reconciledTaints(node('True', 0, [other]), 'True', at(80)), undefined);
});

function pod(tolerations?: Pod['spec']['tolerations']): Pod {
  return { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], ...(tolerations ? { tolerations } : {}) } };
}

test('eviction time: default grace without toleration, tolerationSeconds with one, never without a bound', (t) => {
  const taints: Taint[] = [
    { key: UNREACHABLE_TAINT_KEY, effect: 'NoSchedule' },
    { key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: at(10) },
  ];
  t.is(evictionTime(pod(), taints, 5, 0), T0 + 15_000);
  t.is(evictionTime(pod([{ key: UNREACHABLE_TAINT_KEY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]), taints, 5, 0), T0 + 70_000);
  t.is(evictionTime(pod([{ key: UNREACHABLE_TAINT_KEY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: -3 }]), taints, 5, 0), T0 + 10_000);
  t.is(evictionTime(pod([{ operator: 'Exists' }]), taints, 5, 0), Infinity);
  t.is(evictionTime(pod([{ key: NOT_READY_TAINT_KEY, operator: 'Exists' }]), taints, 5, 0), T0 + 15_000, 'a toleration of another taint does not help');
  t.is(evictionTime(pod(), [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute' }], 5, T0), T0 + 5000, 'no timeAdded: counted from the fallback');
});
