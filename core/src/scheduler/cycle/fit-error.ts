import type { FailureStatus, ScheduleStatus } from '../../kernel/index.js';

/** What a status says, for a person: its reasons, else who refused. */
export function statusMessage(status: ScheduleStatus): string {
  if (status.reasons && status.reasons.length > 0) return status.reasons.join(', ');
  return status.plugin ? `refused by plugin "${status.plugin}"` : status.code;
}

/**
 * Kubernetes' FailedScheduling message: "0/5 nodes are available: 2 node(s) didn't have free
 * ports for the requested pod ports, 3 Insufficient memory." Each reason of each refusing node
 * is counted; the "count reason" strings are sorted as strings, as kube-scheduler sorts them.
 * When preFilter refused the pod, its message stands alone (every node would repeat it).
 */
export function fitErrorMessage(numAllNodes: number, statuses: Iterable<FailureStatus>, preFilterMessage?: string): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (preFilterMessage) return `${message} ${preFilterMessage}.`;
  const histogram = new Map<string, number>();
  for (const status of statuses) for (const reason of status.reasons ?? []) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
  const parts = [...histogram].map(([reason, count]) => `${count} ${reason}`);
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (parts.length > 0) message += ` ${parts.join(', ')}.`;
  return message;
}

/** The message when the cluster has no node at all. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';
