import { ApiError } from '../../api/errors.js';
import type { Condition, Node, NodeStatus, Quantity } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { goArch, machineInfo } from './machine.js';

// The Node object of this agent: created once, then its status kept current. Conditions carry
// kubelet's heartbeat: lastHeartbeatTime is written every nodeStatusMs or on any change.

const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };

export interface NodeDescription {
  name: string;
  nodeIP: string;
  port: number;
  capacity: Record<string, Quantity>;
  labels: Record<string, string>;
  runtimeVersion: string;
}

export type PressureState = Record<'MemoryPressure' | 'DiskPressure' | 'PIDPressure', boolean>;

const CONDITION_TEXT: Record<string, [string, string, string, string]> = {
  // type: [reason when false, message when false, reason when true, message when true]
  MemoryPressure: ['KubeletHasSufficientMemory', 'agent has sufficient memory available', 'KubeletHasInsufficientMemory', 'agent has insufficient memory available'],
  DiskPressure: ['KubeletHasNoDiskPressure', 'agent has no disk pressure', 'KubeletHasDiskPressure', 'agent has disk pressure'],
  PIDPressure: ['KubeletHasSufficientPID', 'agent has sufficient PID available', 'KubeletHasInsufficientPID', 'agent has insufficient PID available'],
};

export function nodeStatus(d: NodeDescription, pressure: PressureState, ready: boolean, previous: Condition[] | undefined, now: string): NodeStatus {
  const info = machineInfo();
  const conditions: Condition[] = [];
  const add = (type: string, status: boolean, reason: string, message: string): void => {
    const value = status ? 'True' : 'False';
    const before = previous?.find((c) => c.type === type);
    const lastTransitionTime = before?.status === value && before.lastTransitionTime ? before.lastTransitionTime : now;
    conditions.push({ type, status: value, reason, message, lastHeartbeatTime: now, lastTransitionTime });
  };
  for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const) {
    const [fr, fm, tr, tm] = CONDITION_TEXT[type]!;
    add(type, pressure[type], pressure[type] ? tr : fr, pressure[type] ? tm : fm);
  }
  add('Ready', ready, ready ? 'KubeletReady' : 'KubeletNotReady', ready ? 'agent is posting ready status' : 'container runtime is down');
  return {
    capacity: { ...d.capacity },
    allocatable: { ...d.capacity },
    conditions,
    addresses: [
      { type: 'InternalIP', address: d.nodeIP },
      { type: 'Hostname', address: info.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: d.port } },
    nodeInfo: {
      machineID: '',
      kernelVersion: info.kernelVersion,
      osImage: info.osImage,
      containerRuntimeVersion: d.runtimeVersion,
      kubeletVersion: 'corral-agent/0.1.0',
      kubeProxyVersion: '',
      operatingSystem: info.os,
      architecture: goArch(),
    },
  };
}

export function nodeLabels(d: NodeDescription): Record<string, string> {
  return { 'kubernetes.io/hostname': d.name, 'kubernetes.io/os': machineInfo().os, 'kubernetes.io/arch': goArch(), ...d.labels };
}

/** Creates the Node, or takes over the one registered before (a restart): labels merged, status replaced. */
export async function registerNode(client: ApiClient, d: NodeDescription, status: NodeStatus): Promise<Node> {
  const wanted: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: d.name, labels: nodeLabels(d) }, spec: {}, status };
  try {
    return await client.create(NODES, wanted);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
  }
  const existing = await client.get<Node>(NODES, d.name);
  const labels = { ...existing.metadata.labels, ...wanted.metadata.labels };
  let node = existing;
  if (JSON.stringify(labels) !== JSON.stringify(existing.metadata.labels ?? {})) {
    node = await client.patch<Node>(NODES, d.name, { metadata: { labels } }, 'merge');
  }
  return writeNodeStatus(client, d.name, status, node);
}

export function writeNodeStatus(client: ApiClient, name: string, status: NodeStatus, _current?: Node): Promise<Node> {
  return client.patch<Node>(NODES, name, { status }, 'merge', { subresource: 'status' });
}
