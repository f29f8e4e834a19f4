/** One pod, as the pod network adapter sees it. */
export interface PodNetworkAttachment {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** The runtime's sandbox id, when the sandbox exists before the network (CRI runtimes). */
  readonly sandboxId?: string;
}

/** What `setup` gives back: the pod's address and, for process/docker runtimes, its namespace. */
export interface PodNetworkStatus {
  readonly ip: string;
  readonly ips?: readonly string[];
  /** Path of the network namespace the pod's containers must join. */
  readonly netnsPath?: string;
  readonly gateway?: string;
}

/**
 * A pod network (like a CNI plugin), offered by a plugin through `hooks.podNetwork.for(name)`.
 * `setup` gives the pod an IP in the node's pod subnet and connects it; `teardown` releases both.
 * Both are idempotent: the agent may call them again after a crash, for a pod already set up or
 * already gone. They may be slow (they create links and routes).
 */
export interface PodNetwork {
  readonly name: string;
  setup(pod: PodNetworkAttachment): Promise<PodNetworkStatus>;
  teardown(pod: PodNetworkAttachment): Promise<void>;
  /** Releases what the adapter holds; pods keep their network. */
  close(): Promise<void>;
}

/** Handed to the `podNetwork` factory taps. */
export interface PodNetworkContext {
  readonly nodeName: string;
  /** The node's pod subnet (from the node's `spec.podCIDR`), when the node had one at start. */
  readonly podCIDR?: string;
  /**
   * Resolves to the node's subnet once node IPAM assigned one (a new node registers first):
   * adapters that need a subnet and got no `podCIDR` wait on it before their first setup.
   */
  readonly podCIDRSource?: () => Promise<string>;
  /** The agent's state directory; the adapter keeps its files (IP leases, CNI config) under it. */
  readonly rootDir: string;
}
