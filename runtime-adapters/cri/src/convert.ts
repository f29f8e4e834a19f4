import type { ContainerConfig, ImageInfo, PodSandboxConfig, PodSandboxStatus, RuntimeContainerStatus as ContainerStatus } from '@corral/core/kernel';
import type { CriContainerConfig, CriContainerStatus, CriImage, CriPodSandboxConfig, CriPodSandboxStatus, Int64, NamespaceOption } from './cri/types.js';
import { IMAGE_ANNOTATION, SANDBOX_LABEL, withOwnership, withoutOwnership } from './ownership.js';

// Between the kernel's RuntimeAdapter shapes and CRI v1 messages. They were made to match,
// so this is mostly renaming: camelCase to snake_case, nanoseconds to milliseconds.

type ContainerResources = NonNullable<ContainerConfig['resources']>;

const MAX_HOSTNAME = 63;
/** kubelet's CFS period and the bounds it keeps shares and quota in. */
const CPU_PERIOD_US = 100_000;
const MIN_QUOTA_US = 1_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;

/**
 * The pod's namespaces as kubelet asks for them: the network shared by the pod (or the
 * node's), IPC shared by the pod, and a PID namespace per container, so that each container's
 * process is its own PID 1 as in Kubernetes.
 */
export function namespaceOptions(config: PodSandboxConfig): NamespaceOption {
  return { network: config.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' };
}

/** Limits as cgroup settings (kubelet's conversion); `pidsLimit` has no place in CRI v1. */
export function toCriResources(resources: ContainerResources): NonNullable<CriContainerConfig['linux']['resources']> {
  const shares = resources.cpuRequestMillis === undefined ? 0 : Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((resources.cpuRequestMillis * 1024) / 1000)));
  const quota = resources.cpuLimitMillis === undefined ? 0 : Math.max(MIN_QUOTA_US, Math.floor((resources.cpuLimitMillis * CPU_PERIOD_US) / 1000));
  return {
    cpu_period: quota > 0 ? CPU_PERIOD_US : 0,
    cpu_quota: quota,
    cpu_shares: shares,
    memory_limit_in_bytes: resources.memoryLimitBytes ?? 0,
    oom_score_adj: 0,
  };
}

/** CRI timestamps are int64 nanoseconds since the epoch; 0 means "not yet". */
export function nanosToMillis(nanos: Int64 | undefined): number | undefined {
  if (!nanos || nanos === '0') return undefined;
  return Number(BigInt(nanos) / 1_000_000n);
}

export function toCriSandboxConfig(config: PodSandboxConfig, nodeName: string, attempt: number, cgroupParent: string): CriPodSandboxConfig {
  return {
    metadata: { name: config.name, uid: config.uid, namespace: config.namespace, attempt },
    // kubelet's choice when the pod names none: the pod's name, cut to a DNS label. A pod on
    // the node's network has the node's UTS namespace too, and with it the node's name.
    hostname: config.hostNetwork ? '' : (config.hostname ?? config.name.slice(0, MAX_HOSTNAME)),
    log_directory: config.logDirectory,
    ...(config.dns ? { dns_config: { servers: [...config.dns.servers], searches: [...config.dns.searches], options: [...config.dns.options] } } : {}),
    port_mappings: config.portMappings.map((p) => ({
      protocol: p.protocol,
      container_port: p.containerPort,
      host_port: p.hostPort ?? 0,
      host_ip: p.hostIp ?? '',
    })),
    labels: withOwnership(config.labels, nodeName),
    annotations: { ...config.annotations },
    linux: { cgroup_parent: cgroupParent, security_context: { namespace_options: namespaceOptions(config) } },
  };
}

export function fromCriSandboxStatus(status: CriPodSandboxStatus): PodSandboxStatus {
  const ip = status.network?.ip;
  return {
    id: status.id,
    uid: status.metadata?.uid ?? '',
    name: status.metadata?.name ?? '',
    namespace: status.metadata?.namespace ?? '',
    state: status.state,
    createdAt: nanosToMillis(status.created_at) ?? 0,
    ...(ip ? { ip } : {}),
    labels: withoutOwnership(status.labels),
  };
}

export function toCriContainerConfig(config: ContainerConfig, sandbox: PodSandboxConfig, sandboxId: string, nodeName: string, attempt: number): CriContainerConfig {
  return {
    metadata: { name: config.name, attempt },
    image: { image: config.image },
    command: [...config.command],
    args: [...config.args],
    working_dir: config.workingDir ?? '',
    envs: config.env.map((e) => ({ key: e.name, value: e.value })),
    mounts: config.mounts.map((m) => ({ container_path: m.containerPath, host_path: m.hostPath, readonly: m.readonly ?? false })),
    labels: { ...withOwnership(config.labels, nodeName), [SANDBOX_LABEL]: sandboxId },
    annotations: { ...config.annotations, [IMAGE_ANNOTATION]: config.image },
    log_path: config.logPath,
    stdin: config.stdin ?? false,
    stdin_once: false,
    tty: config.tty ?? false,
    linux: {
      ...(config.resources ? { resources: toCriResources(config.resources) } : {}),
      security_context: { namespace_options: namespaceOptions(sandbox) },
    },
  };
}

export function fromCriContainerStatus(status: CriContainerStatus, podSandboxId = status.labels[SANDBOX_LABEL] ?? ''): ContainerStatus {
  const startedAt = nanosToMillis(status.started_at);
  // containerd stamps the start once StartContainer's work is done, which can be after a
  // quick process already exited: a container never ends before it started.
  const ended = nanosToMillis(status.finished_at);
  const finishedAt = ended !== undefined && startedAt !== undefined ? Math.max(ended, startedAt) : ended;
  const exited = status.state === 'CONTAINER_EXITED';
  return {
    id: status.id,
    podSandboxId,
    name: status.metadata?.name ?? '',
    image: status.annotations[IMAGE_ANNOTATION] ?? status.image?.image ?? '',
    ...(status.image_ref ? { imageRef: status.image_ref } : {}),
    state: status.state,
    createdAt: nanosToMillis(status.created_at) ?? 0,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(exited ? { exitCode: status.exit_code } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
    ...(status.message ? { message: status.message } : {}),
    labels: withoutOwnership(status.labels),
  };
}

export function fromCriImage(image: CriImage): ImageInfo {
  const size = Number(image.size);
  return { ref: image.id, ...(size > 0 ? { size } : {}) };
}
