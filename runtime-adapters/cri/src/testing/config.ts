// The files a private containerd for tests runs from: its config.toml and the CNI network it
// hands pods. Everything points into the instance's own directory; nothing listens on a
// system path, and the pod network is a bridge of its own with no NAT.

export interface ContainerdPaths {
  readonly dir: string;
  readonly root: string;
  readonly state: string;
  readonly socket: string;
  readonly cniConfDir: string;
  readonly cniBinDir: string;
  readonly runcRoot: string;
}

export interface TestNetwork {
  readonly name: string;
  readonly bridge: string;
  /** e.g. 10.213.0.0/24 */
  readonly subnet: string;
  readonly gateway: string;
  readonly ipamDataDir: string;
}

export function containerdConfig(paths: ContainerdPaths, snapshotter: string, sandboxImage: string): string {
  const cri = (sub = ''): string => `[plugins."io.containerd.grpc.v1.cri"${sub}]`;
  return `version = 2
root = ${JSON.stringify(paths.root)}
state = ${JSON.stringify(paths.state)}
oom_score = 0
disabled_plugins = [
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]

[grpc]
  address = ${JSON.stringify(paths.socket)}

[ttrpc]
  address = ${JSON.stringify(`${paths.socket}.ttrpc`)}

[debug]
  address = ""
  level = "info"

[metrics]
  address = ""

[plugins]
  ${cri()}
    sandbox_image = ${JSON.stringify(sandboxImage)}
    restrict_oom_score_adj = true
    disable_apparmor = true
    enable_selinux = false
    netns_mounts_under_state_dir = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_tls_streaming = false
    max_container_log_line_size = 16384
    ${cri('.containerd')}
      snapshotter = ${JSON.stringify(snapshotter)}
      default_runtime_name = "runc"
      ${cri('.containerd.runtimes.runc')}
        runtime_type = "io.containerd.runc.v2"
        ${cri('.containerd.runtimes.runc.options')}
          Root = ${JSON.stringify(paths.runcRoot)}
          SystemdCgroup = false
    ${cri('.cni')}
      bin_dir = ${JSON.stringify(paths.cniBinDir)}
      conf_dir = ${JSON.stringify(paths.cniConfDir)}
      max_conf_num = 1
`;
}

/**
 * A bridge + host-local network list; the bridge is the pods' gateway, with no masquerade.
 * containerd's CRI adds the loopback network itself (from the `loopback` plugin in bin_dir).
 */
export function cniConflist(net: TestNetwork): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: net.name,
      plugins: [
        {
          type: 'bridge',
          bridge: net.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: net.ipamDataDir,
            ranges: [[{ subnet: net.subnet, gateway: net.gateway }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
      ],
    },
    null,
    2,
  );
}
