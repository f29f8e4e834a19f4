// A node's health as its heartbeats tell it (Kubernetes' node lifecycle controller, pure): the
// newest of its Lease's renewTime and its Ready condition's lastHeartbeatTime decides whether
// the node is still reporting; its Ready condition then decides the NotReady/Unreachable taints.
import type { Condition, Lease, Node, Taint } from '@corral/core/api';

export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';
export const NOT_READY_TAINT_KEY = 'node.kubernetes.io/not-ready';
export const NODE_STATUS_UNKNOWN = 'NodeStatusUnknown';
export const NODE_STATUS_NEVER_UPDATED = 'NodeStatusNeverUpdated';
/** The conditions the agent reports that turn Unknown with Ready when it stops reporting. */
const AGENT_CONDITIONS = new Set(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']);
const MANAGED_TAINT_KEYS = new Set([UNREACHABLE_TAINT_KEY, NOT_READY_TAINT_KEY]);

function parseTime(value: string | undefined): number {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : -Infinity;
}

export function readyCondition(node: Node): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/** The newest sign of life (ms): Lease renewal, Ready heartbeat, or the node's creation. */
export function lastHeartbeat(node: Node, lease: Lease | undefined): number {
  return Math.max(
    parseTime(lease?.spec?.renewTime),
    parseTime(readyCondition(node)?.lastHeartbeatTime),
    parseTime(node.metadata.creationTimestamp),
  );
}

/**
 * The node's status with every agent condition turned Unknown, or undefined when they already
 * are (nothing to write).
 */
export function markedUnknown(node: Node, now: string): Node | undefined {
  const conditions = [...(node.status?.conditions ?? [])];
  let changed = false;
  const ready = conditions.findIndex((c) => c.type === 'Ready');
  if (ready < 0) {
    conditions.push({
      type: 'Ready',
      status: 'Unknown',
      reason: NODE_STATUS_NEVER_UPDATED,
      message: 'Kubelet never posted node status.',
      lastHeartbeatTime: node.metadata.creationTimestamp,
      lastTransitionTime: now,
    });
    changed = true;
  }
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i]!;
    if (!AGENT_CONDITIONS.has(c.type) || c.status === 'Unknown') continue;
    conditions[i] = { ...c, status: 'Unknown', reason: NODE_STATUS_UNKNOWN, message: 'Kubelet stopped posting node status.', lastTransitionTime: now };
    changed = true;
  }
  if (!changed) return undefined;
  return { ...node, status: { ...node.status, conditions } };
}

/** The taints Ready's status calls for: unreachable for Unknown, not-ready for False. */
function wantedKey(status: Condition['status'] | undefined): string | undefined {
  if (status === 'Unknown') return UNREACHABLE_TAINT_KEY;
  if (status === 'False') return NOT_READY_TAINT_KEY;
  return undefined;
}

/**
 * The node's taints with this controller's own set to what `readyStatus` calls for (others
 * kept as they are), or undefined when nothing changes. A NoExecute taint keeps its timeAdded,
 * which starts the eviction clocks. Without `noExecute` (a disruption: nothing is evicted) the
 * NoExecute ones are left off, so their clocks start afresh when it ends.
 */
export function reconciledTaints(node: Node, readyStatus: Condition['status'] | undefined, now: string, noExecute = true): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const key = wantedKey(readyStatus);
  const next = current.filter((t) => !MANAGED_TAINT_KEYS.has(t.key) || (t.key === key && (t.effect === 'NoSchedule' || (noExecute && t.effect === 'NoExecute'))));
  if (key) {
    if (!next.some((t) => t.key === key && t.effect === 'NoSchedule')) next.push({ key, effect: 'NoSchedule' });
    if (noExecute && !next.some((t) => t.key === key && t.effect === 'NoExecute')) next.push({ key, effect: 'NoExecute', timeAdded: now });
  }
  const same = next.length === current.length && next.every((t, i) => t === current[i]);
  return same ? undefined : next;
}
