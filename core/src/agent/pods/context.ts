import type { Quantity, Service } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { PodNetwork } from '../../kernel/contracts/network.js';
import type { RuntimeAdapter } from '../../kernel/contracts/runtime.js';
import type { AgentEvents } from '../events.js';
import type { ClusterDns } from './dns.js';
import type { ProbeManager } from '../probes/ProbeManager.js';
import type { StartupTrace } from './startupTrace.js';
import type { AgentHooks, AgentLogger, AgentTiming } from '../types.js';

/** What the pod sync loop works with: one per agent. */
export interface PodContext {
  readonly client: ApiClient;
  readonly runtime: RuntimeAdapter;
  readonly podNetwork?: PodNetwork;
  readonly hooks?: AgentHooks;
  readonly probes: ProbeManager;
  readonly events: AgentEvents;
  /** Start-up milestones (recorded only when asked for). */
  readonly trace: StartupTrace;
  readonly logger: AgentLogger;
  readonly rootDir: string;
  readonly nodeName: string;
  readonly nodeIP: string;
  readonly timing: AgentTiming;
  allocatable(): Record<string, Quantity>;
  /** Every Service the agent's informer holds. */
  services(): Service[];
  /** The cluster DNS pods of the ClusterFirst policies use, as known now. */
  clusterDns(): ClusterDns;
  /** The node's resolv.conf (the Default policy's, and the search domains ClusterFirst adds). */
  readonly resolvConf: string;
}
