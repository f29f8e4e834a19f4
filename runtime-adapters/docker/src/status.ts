import type { ContainerInspectInfo } from 'dockerode';
import type { PodSandboxStatus, RuntimeContainerState as ContainerState, RuntimeContainerStatus as ContainerStatus } from '@corral/core/kernel';
import { LABEL, userLabels } from './labels.js';

/**
 * Docker's RFC 3339 times (nanoseconds, and year 1 for "never") to milliseconds since the epoch.
 */
export function parseDockerTime(value: string | undefined): number | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}

export function containerState(status: string | undefined): ContainerState {
  switch (status) {
    case 'created':
      return 'CONTAINER_CREATED';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'CONTAINER_RUNNING';
    case 'exited':
    case 'dead':
    case 'removing':
      return 'CONTAINER_EXITED';
    default:
      return 'CONTAINER_UNKNOWN';
  }
}

export function toContainerStatus(info: ContainerInspectInfo): ContainerStatus {
  const labels = info.Config.Labels ?? {};
  const state = containerState(info.State.Status);
  const exited = state === 'CONTAINER_EXITED';
  const exitCode = exited ? info.State.ExitCode : undefined;
  let reason: string | undefined;
  if (exited) reason = info.State.OOMKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  const message = info.State.Error || undefined;
  return {
    id: info.Id,
    podSandboxId: labels[LABEL.sandboxId] ?? '',
    name: labels[LABEL.containerName] ?? info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageRef: info.Image,
    state,
    createdAt: parseDockerTime(info.Created) ?? 0,
    startedAt: parseDockerTime(info.State.StartedAt),
    finishedAt: exited ? finishedAt(info) : undefined,
    exitCode,
    reason,
    message,
    labels: userLabels(labels),
  };
}

/** Docker may stamp a very short run's end before its start; a run never ends before it began. */
function finishedAt(info: ContainerInspectInfo): number | undefined {
  const started = parseDockerTime(info.State.StartedAt);
  const finished = parseDockerTime(info.State.FinishedAt);
  return started !== undefined && finished !== undefined ? Math.max(started, finished) : finished;
}

export function toSandboxStatus(info: ContainerInspectInfo): PodSandboxStatus {
  const labels = info.Config.Labels ?? {};
  const running = info.State.Running === true;
  const hostNetwork = labels[LABEL.hostNetwork] === 'true';
  const dockerIp = info.NetworkSettings?.IPAddress || undefined;
  return {
    id: info.Id,
    uid: labels[LABEL.podUid] ?? '',
    name: labels[LABEL.podName] ?? '',
    namespace: labels[LABEL.podNamespace] ?? '',
    state: running ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
    createdAt: parseDockerTime(info.Created) ?? 0,
    ip: labels[LABEL.podIp] || dockerIp,
    labels: userLabels(labels),
    // The pause process holds the namespace; a stopped sandbox has none to offer.
    netnsPath: running && !hostNetwork && info.State.Pid > 0 ? `/proc/${info.State.Pid}/ns/net` : undefined,
  };
}
