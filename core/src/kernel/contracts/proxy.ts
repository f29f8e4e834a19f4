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
 * The Services and Service ports that differ from the last table the data path synced without
 * error (all of them added on the first sync). Ports are keyed `namespace/name:port/protocol`
 * (the port by its name when it has one); a Service whose own fields changed (its ClusterIP,
 * affinity, ...) has every port changed.
 */
export interface ServiceTableChanges {
  /** `namespace/name` of every Service added, changed or removed. */
  readonly services: ReadonlySet<string>;
  readonly addedPorts: ReadonlySet<string>;
  readonly changedPorts: ReadonlySet<string>;
  readonly removedPorts: ReadonlySet<string>;
}

/**
 * A service data path (userspace, iptables, ...), offered by a plugin through
 * `hooks.proxyDataPath.for(name)`. `sync` makes the node forward exactly as `table` says,
 * replacing whatever it did before; calls never overlap. It may be slow (it programs the kernel).
 * `changes`, when given, says what differs from the last table synced without error, so a data
 * path need not compare every Service; one may ignore it. A caller with only a table (a test, a
 * benchmark) may leave it out. After a sync that threw, the next changes still count from the
 * last good table, so a data path that may have applied part of a failed sync must not trust them.
 */
export interface ProxyDataPath {
  readonly name: string;
  sync(table: ServiceTable, changes?: ServiceTableChanges): Promise<void>;
  /** Stops forwarding and removes what the data path installed. */
  close(): Promise<void>;
}

/** Handed to the `proxyDataPath` factory taps. */
export interface ProxyContext {
  readonly nodeName: string;
  /** The node's own addresses, for NodePorts. */
  readonly nodeIPs: readonly string[];
}
