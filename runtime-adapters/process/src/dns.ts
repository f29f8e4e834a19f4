import type { ContainerConfig, PodSandboxConfig } from '@corral/core/kernel';

// A pod's own resolv.conf: written beside its sandbox record and bind-mounted over
// /etc/resolv.conf in each container's mount namespace (so only as root, with namespaces).

export const RESOLV_CONF = '/etc/resolv.conf';

type Mount = ContainerConfig['mounts'][number];

export function resolvConfText(dns: NonNullable<PodSandboxConfig['dns']>): string {
  const lines = [
    ...dns.servers.map((s) => `nameserver ${s}`),
    ...(dns.searches.length > 0 ? [`search ${dns.searches.join(' ')}`] : []),
    ...(dns.options.length > 0 ? [`options ${dns.options.join(' ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The container's mounts with the pod's resolv.conf added, unless a volume already claims that path. */
export function withResolvConf(mounts: readonly Mount[], podResolvConf: string | undefined): readonly Mount[] {
  if (!podResolvConf || mounts.some((m) => m.containerPath === RESOLV_CONF)) return mounts;
  return [...mounts, { hostPath: podResolvConf, containerPath: RESOLV_CONF, readonly: true }];
}
