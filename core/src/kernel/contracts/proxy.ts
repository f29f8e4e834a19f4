/** One backend of a service port: a ready pod's address. */
export interface ServiceBackend {
  readonly ip: string;
  readonly port: number;
  readonly nodeName?: string;
  /** False for terminating or not-ready endpoints kept for `publishNotReadyAddresses`. */
  readonly ready: boolean;
}

export interface ServicePortEntry {
  readonly name?: string;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
  readonly nodePort?: number;
  readonly backends: readonly ServiceBackend[];
}

export interface ServiceEntry {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP?: string;
  readonly externalIPs?: readonly string[];
  readonly sessionAffinity: 'None' | 'ClientIP';
  /** How long a client sticks to its backend with ClientIP affinity (default 10800). */
  readonly sessionAffinityTimeoutSeconds?: number;
  readonly ports: readonly ServicePortEntry[];
}

/**
 * The whole desired data-path state of a node, built by the proxy from Services and Endpoints.
 * It is always complete (never a delta), so a data path can replace its state atomically and a
 * restart needs no history.
 */
export interface ServiceTable {
  readonly services: readonly ServiceEntry[];
}

/**
 * A service data path (userspace, iptables, ...), offered by a plugin through
 * `hooks.proxyDataPath.for(name)`. `sync` makes the node forward exactly as `table` says,
 * replacing whatever it did before; calls never overlap. It may be slow (it programs the kernel).
 */
export interface ProxyDataPath {
  readonly name: string;
  sync(table: ServiceTable): Promise<void>;
  /** Stops forwarding and removes what the data path installed. */
  close(): Promise<void>;
}

/** Handed to the `proxyDataPath` factory taps. */
export interface ProxyContext {
  readonly nodeName: string;
  /** The node's own addresses, for NodePorts. */
  readonly nodeIPs: readonly string[];
}
