import { join } from 'node:path';
import { quantityToInt, quantityToMillis } from '../../api/quantity.js';
import type { Container, Pod } from '../../api/types.js';
import type { ContainerConfig, ContainerResources, PodSandboxConfig, PortMapping } from '../../kernel/contracts/runtime.js';
import { CONTAINER_KIND, CONTAINER_NAME, POD_IP, POD_NAME, POD_NAMESPACE, POD_UID, RESTART_COUNT, SANDBOX_ATTEMPT } from '../labels.js';
import type { DnsSettings } from './dns.js';
import { expand, type EnvVarValue } from './env.js';

// The runtime's view of a pod and its containers, built from the spec.

export function sandboxConfig(
  pod: Pod,
  options: { logDirectory: string; attempt: number; hostNetwork: boolean; ip?: string; netnsPath?: string; dns?: DnsSettings },
): PodSandboxConfig {
  const portMappings: PortMapping[] = [];
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      portMappings.push({ protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort, ...(p.hostIP ? { hostIp: p.hostIP } : {}) });
    }
  }
  return {
    uid: pod.metadata.uid!,
    name: pod.metadata.name!,
    namespace: pod.metadata.namespace ?? 'default',
    hostname: pod.spec.hostname ?? pod.metadata.name,
    labels: {
      ...pod.metadata.labels,
      [POD_UID]: pod.metadata.uid!,
      [POD_NAME]: pod.metadata.name!,
      [POD_NAMESPACE]: pod.metadata.namespace ?? 'default',
      [SANDBOX_ATTEMPT]: String(options.attempt),
      ...(options.ip ? { [POD_IP]: options.ip } : {}),
    },
    annotations: { ...pod.metadata.annotations },
    logDirectory: options.logDirectory,
    portMappings,
    ...(options.netnsPath ? { netnsPath: options.netnsPath } : {}),
    ...(options.ip ? { ip: options.ip } : {}),
    ...(options.dns ? { dns: options.dns } : {}),
    hostNetwork: options.hostNetwork,
  };
}

export function containerResources(c: Container): ContainerResources | undefined {
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const r: { -readonly [K in keyof ContainerResources]: ContainerResources[K] } = {};
  if (limits.cpu !== undefined) r.cpuLimitMillis = quantityToMillis(limits.cpu);
  if (limits.memory !== undefined) r.memoryLimitBytes = quantityToInt(limits.memory);
  if (requests.cpu !== undefined) r.cpuRequestMillis = quantityToMillis(requests.cpu);
  if (requests.memory !== undefined) r.memoryRequestBytes = quantityToInt(requests.memory);
  return Object.keys(r).length > 0 ? r : undefined;
}

export function containerConfig(
  pod: Pod,
  c: Container,
  options: { env: EnvVarValue[]; mounts: ContainerConfig['mounts']; restartCount: number; init: boolean },
): ContainerConfig {
  const vars = new Map(options.env.map((e) => [e.name, e.value]));
  const resources = containerResources(c);
  return {
    name: c.name,
    image: c.image ?? '',
    command: (c.command ?? []).map((a) => expand(a, vars)),
    args: (c.args ?? []).map((a) => expand(a, vars)),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    env: options.env,
    mounts: options.mounts,
    labels: {
      [POD_UID]: pod.metadata.uid!,
      [POD_NAME]: pod.metadata.name!,
      [POD_NAMESPACE]: pod.metadata.namespace ?? 'default',
      [CONTAINER_NAME]: c.name,
      [RESTART_COUNT]: String(options.restartCount),
      [CONTAINER_KIND]: options.init ? 'init' : 'app',
    },
    annotations: {},
    logPath: join(c.name, `${options.restartCount}.log`),
    ...(c.stdin ? { stdin: true } : {}),
    ...(c.tty ? { tty: true } : {}),
    ...(resources ? { resources } : {}),
  };
}
