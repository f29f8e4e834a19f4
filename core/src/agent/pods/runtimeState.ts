import type { ContainerStatus as RuntimeContainer, PodSandboxStatus, RuntimeAdapter } from '../../kernel/contracts/runtime.js';
import { CONTAINER_NAME, POD_UID, RESTART_COUNT } from '../labels.js';

// What the runtime runs for one pod, found by the labels the agent put on it: the agent keeps
// no other record, so this is also how a restarted agent adopts what it ran before.

export interface PodRuntimeState {
  /** Newest first. */
  sandboxes: PodSandboxStatus[];
  containers: RuntimeContainer[];
}

export async function podRuntimeState(runtime: RuntimeAdapter, uid: string): Promise<PodRuntimeState> {
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandboxes({ labels: { [POD_UID]: uid } }), runtime.listContainers({ labels: { [POD_UID]: uid } })]);
  sandboxes.sort((a, b) => b.createdAt - a.createdAt);
  return { sandboxes, containers };
}

export function restartCountOf(c: RuntimeContainer): number {
  return Number(c.labels[RESTART_COUNT] ?? 0) || 0;
}

/** The instances of one container of the pod, newest first. */
export function instancesOf(state: PodRuntimeState, name: string, sandboxId?: string): RuntimeContainer[] {
  return state.containers
    .filter((c) => c.labels[CONTAINER_NAME] === name && (sandboxId === undefined || c.podSandboxId === sandboxId))
    .sort((a, b) => restartCountOf(b) - restartCountOf(a) || b.createdAt - a.createdAt);
}
