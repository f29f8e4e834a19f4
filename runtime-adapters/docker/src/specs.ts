import { randomBytes } from 'node:crypto';
import type { ContainerCreateOptions } from 'dockerode';
import type { ContainerConfig, PodSandboxConfig } from '@corral/core/kernel';
import { dockerLabels, LABEL } from './labels.js';

/** Where the pause container sees the network namespace it joins. */
export const NETNS_MOUNT = '/run/corral-netns';
/** Where the node's static busybox appears in the pause container; busybox needs that file name. */
export const HELPER_MOUNT = '/run/corral/busybox';

export interface PauseSettings {
  readonly image: string;
  /** The pause process; the image's own entrypoint when empty. */
  readonly command: readonly string[];
  /** A static busybox on the node that provides `nsenter`; empty to use the pause image's own. */
  readonly netnsHelper: string;
}

/** Docker names must be unique; a suffix lets a pod get a new sandbox while the old one lingers. */
function uniqueName(parts: readonly string[]): string {
  const safe = parts.map((p) => p.replace(/[^a-zA-Z0-9_.-]/g, '-'));
  return ['corral', ...safe, randomBytes(4).toString('hex')].join('_');
}

function hostnameOf(config: PodSandboxConfig): string {
  return (config.hostname ?? config.name).slice(0, 63);
}

/**
 * The pause container holds the pod's namespaces. Without a network handed in it gets an empty
 * one (NetworkMode none) for a pod network adapter to fill; with `netnsPath` it enters that
 * namespace before pausing, because Docker cannot start a container in a namespace given by
 * path: `nsenter` (the node's static busybox mounted in, or the image's own) with CAP_SYS_ADMIN.
 * The pod's containers join the pause process's namespace (`container:<id>`), so they land in
 * the one handed in.
 */
export function sandboxCreateOptions(config: PodSandboxConfig, pause: PauseSettings, pauseEntrypoint: readonly string[]): ContainerCreateOptions {
  const joinNetns = config.netnsPath !== undefined && !config.hostNetwork;
  const labels = dockerLabels(config.labels, config.annotations, {
    [LABEL.managed]: 'true',
    [LABEL.kind]: 'sandbox',
    [LABEL.podUid]: config.uid,
    [LABEL.podNamespace]: config.namespace,
    [LABEL.podName]: config.name,
    [LABEL.podIp]: config.ip,
    [LABEL.hostNetwork]: config.hostNetwork ? 'true' : undefined,
    [LABEL.netnsPath]: joinNetns ? config.netnsPath : undefined,
  });
  const nsenter = pause.netnsHelper ? [HELPER_MOUNT, 'nsenter'] : ['nsenter'];
  const entrypoint = joinNetns ? [...nsenter, `--net=${NETNS_MOUNT}`, '--', ...pauseEntrypoint] : pause.command.length > 0 ? [...pause.command] : undefined;
  const binds = [`${config.netnsPath}:${NETNS_MOUNT}:ro`, ...(pause.netnsHelper ? [`${pause.netnsHelper}:${HELPER_MOUNT}:ro`] : [])];
  return {
    name: uniqueName(['POD', config.name, config.namespace, config.uid]),
    Image: pause.image,
    Entrypoint: entrypoint,
    Cmd: entrypoint ? [] : undefined,
    Hostname: config.hostNetwork ? undefined : hostnameOf(config),
    Labels: labels,
    HostConfig: {
      // Joining a namespace, the pause container starts in the node's and nsenter moves it:
      // with 'none', Docker would make (and later destroy) a namespace per pod that is never used.
      NetworkMode: config.hostNetwork || joinNetns ? 'host' : 'none',
      IpcMode: 'shareable',
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'json-file', Config: {} },
      // The pod's resolv.conf (hostNetwork too: ClusterFirstWithHostNet); the containers, in
      // the pause container's network, share it.
      Dns: config.dns ? [...config.dns.servers] : undefined,
      DnsSearch: config.dns ? [...config.dns.searches] : undefined,
      DnsOptions: config.dns ? [...config.dns.options] : undefined,
      Binds: joinNetns ? binds : undefined,
      CapAdd: joinNetns ? ['SYS_ADMIN'] : undefined,
    },
  };
}

/** Kubernetes' rule: `command` replaces the image's ENTRYPOINT, `args` its CMD. */
function entrypointAndCmd(config: ContainerConfig): Pick<ContainerCreateOptions, 'Entrypoint' | 'Cmd'> {
  const out: Pick<ContainerCreateOptions, 'Entrypoint' | 'Cmd'> = {};
  // Docker drops the image's CMD once Entrypoint is set, as Kubernetes does for `command`.
  if (config.command.length > 0) out.Entrypoint = [...config.command];
  if (config.args.length > 0) out.Cmd = [...config.args];
  return out;
}

export function containerCreateOptions(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig, logLink: string): ContainerCreateOptions {
  const r = config.resources;
  const labels = dockerLabels(config.labels, config.annotations, {
    [LABEL.managed]: 'true',
    [LABEL.kind]: 'container',
    [LABEL.podUid]: sandbox.uid,
    [LABEL.podNamespace]: sandbox.namespace,
    [LABEL.podName]: sandbox.name,
    [LABEL.containerName]: config.name,
    [LABEL.sandboxId]: sandboxId,
    [LABEL.logLink]: logLink,
  });
  return {
    name: uniqueName([config.name, sandbox.name, sandbox.namespace, sandbox.uid]),
    Image: config.image,
    ...entrypointAndCmd(config),
    Env: config.env.map((e) => `${e.name}=${e.value}`),
    WorkingDir: config.workingDir,
    Labels: labels,
    Tty: config.tty ?? false,
    OpenStdin: config.stdin ?? false,
    StdinOnce: false,
    HostConfig: {
      NetworkMode: `container:${sandboxId}`,
      IpcMode: `container:${sandboxId}`,
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'json-file', Config: {} },
      Mounts: config.mounts.map((m) => ({ Type: 'bind' as const, Source: m.hostPath, Target: m.containerPath, ReadOnly: m.readonly ?? false })),
      NanoCpus: r?.cpuLimitMillis ? Math.round(r.cpuLimitMillis * 1e6) : undefined,
      Memory: r?.memoryLimitBytes ? Math.round(r.memoryLimitBytes) : undefined,
      // Kubernetes' shares: 1024 per CPU requested, at least 2.
      CpuShares: r?.cpuRequestMillis ? Math.max(2, Math.round((r.cpuRequestMillis * 1024) / 1000)) : undefined,
      PidsLimit: r?.pidsLimit,
    },
  };
}
