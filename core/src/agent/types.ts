import type { Quantity } from '../api/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import type { CorralHooks } from '../kernel/hooks.js';
import type { PodNetwork } from '../kernel/contracts/network.js';
import type { RuntimeAdapter } from '../kernel/contracts/runtime.js';

/** Where the agent writes what it has to say (the server's logger has this shape). */
export interface AgentLogger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The agent's periods, in milliseconds (the lease's duration in seconds, as the Lease has it).
 * The config file's `agent.timing` sets them (docs/agent.md); tests shorten them.
 */
export interface AgentTiming {
  /** Lease renewal (kubelet: 10 s; Corral: 4 s, the lease lasting 16 s); also how often node conditions are checked. */
  leaseRenewMs: number;
  /** How long the node's Lease holds: the node is NotReady once it was not renewed for this long. */
  leaseDurationSeconds: number;
  /** The node's conditions are written this often even when nothing changed. */
  nodeStatusMs: number;
  /** How often the runtime is listed to notice containers that exited (kubelet's PLEG relist). */
  relistMs: number;
  /** How often every pod is synced again, and orphaned sandboxes looked for. */
  resyncMs: number;
  /** A failed pod sync (a status write the API refused, a runtime error) is retried after this, doubling up to the max. */
  syncRetryInitialMs: number;
  syncRetryMaxMs: number;
  /** Crash-loop back-off: first delay, its cap, and how long a run resets it. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffResetMs: number;
  /** Timeout of the agent's own API requests (watches excepted). */
  requestTimeoutMs: number;
}

export const DEFAULT_TIMING: AgentTiming = {
  leaseRenewMs: 4_000,
  leaseDurationSeconds: 16,
  nodeStatusMs: 40_000,
  relistMs: 1_000,
  resyncMs: 60_000,
  syncRetryInitialMs: 200,
  syncRetryMaxMs: 10_000,
  backoffInitialMs: 10_000,
  backoffMaxMs: 300_000,
  backoffResetMs: 600_000,
  requestTimeoutMs: 15_000,
};

export type AgentHooks = Pick<CorralHooks, 'beforeContainerStart' | 'afterContainerStart' | 'beforeContainerStop' | 'afterContainerStop'>;

export interface AgentOptions {
  client: ApiClient;
  nodeName: string;
  runtime: RuntimeAdapter;
  /** The pod network; without one, pods share the node's network (podIP = the node's IP). */
  podNetwork?: PodNetwork;
  /** The container life-cycle hooks (a Corral's `hooks`); none when absent. */
  hooks?: AgentHooks;
  /** State: emptyDir volumes, projected configMaps and secrets, the runtime's own files. */
  rootDir: string;
  /** Where logs and exec are served. Default 0.0.0.0:10250; port 0 picks a free one. */
  listen?: { host?: string; port?: number };
  /** The node's InternalIP; default the first non-internal IPv4 address, else 127.0.0.1. */
  nodeIP?: string;
  /** Overrides of what the node reports (cpu, memory, pods, ephemeral-storage). */
  capacity?: Partial<Record<'cpu' | 'memory' | 'pods' | 'ephemeral-storage', Quantity>>;
  /** More node labels. */
  labels?: Record<string, string>;
  timing?: Partial<AgentTiming>;
  logger?: AgentLogger;
  /**
   * The cluster DNS servers pods' resolv.conf names (kubelet's --cluster-dns); default the
   * ClusterIP of the Service kube-system/kube-dns once the agent sees it.
   */
  clusterDNS?: readonly string[];
  /** The cluster domain (kubelet's --cluster-domain); default cluster.local. */
  clusterDomain?: string;
  /** The node's resolv.conf, for the Default DNS policy; default /etc/resolv.conf. */
  resolvConf?: string;
  /** How many pods are synced at once (default 10). */
  podWorkers?: number;
}
