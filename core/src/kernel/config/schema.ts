import Joi from 'joi';
import { DEFAULT_TIMING, type AgentTiming } from '../../agent/types.js';
import type { EmbeddedStoreConfig, EtcdStoreConfig, StoreConfig } from '../../store/index.js';
import { EXTENSION_POINTS, type ExtensionPoint } from '../scheduler/types.js';

// The config file as written: one file, before it is layered on the default config.

export const CONFIG_API_VERSION = 'corral.dev/v1alpha1';
export const CONFIG_KIND = 'CorralConfig';

export interface PluginEntryConfig {
  /** A package name (resolved first) or a path relative to the config file. */
  name: string;
  options?: unknown;
  /** false removes an entry of the default config (or of an earlier layer). */
  enabled?: boolean;
}

export interface EnabledSchedulerPlugin {
  name: string;
  /** Score only: multiplies the plugin's normalized score. */
  weight?: number;
}

export interface PluginSetConfig {
  enabled?: EnabledSchedulerPlugin[];
  /** Names removed from the default profile's set; '*' removes all of them. */
  disabled?: string[];
}

export interface ProfileConfig {
  /** Pods choose a profile with `spec.schedulerName`. */
  name: string;
  plugins?: { [P in ExtensionPoint]?: PluginSetConfig };
  pluginConfig?: { name: string; args?: unknown }[];
}

export interface AgentSettings {
  /** This node's name; the host name when unset. */
  nodeName?: string;
  /** The runtime adapter's name (hooks.runtimeAdapter). */
  runtime?: string;
  network?: {
    /** The pod network's name (hooks.podNetwork). */
    pods?: string;
    /** The service data path's name (hooks.proxyDataPath). */
    services?: string;
  };
  /** The DNS servers pods' resolv.conf names (one IP or several); the kube-dns Service's ClusterIP when unset. */
  clusterDNS?: string[];
  /** The cluster's DNS domain, for pods' search path; cluster.local when unset. */
  clusterDomain?: string;
  /** The agent's periods (docs/agent.md); each one unset keeps its default. */
  timing?: Partial<AgentTiming>;
}

export interface ServerSettings {
  /** host:port the API server listens on. */
  listen?: string;
  dataDir?: string;
  /** The range Services' ClusterIPs come from (IPv4 CIDR); default 10.96.0.0/12. */
  serviceCIDR?: string;
  /** NodePorts' range, "min-max"; default 30000-32767. */
  nodePortRange?: string;
}

export interface CorralConfigFile {
  apiVersion: typeof CONFIG_API_VERSION;
  kind: typeof CONFIG_KIND;
  store?: StoreConfig;
  plugins?: PluginEntryConfig[];
  scheduler?: { profiles?: ProfileConfig[] };
  agent?: AgentSettings;
  server?: ServerSettings;
}

// Keyed by the store's own config types, so a field added there fails to compile here until
// the config file accepts it too (functions such as onNotice are not configurable).
const embeddedStore: Record<Exclude<keyof EmbeddedStoreConfig, 'onNotice'>, Joi.Schema> = {
  dir: Joi.string().required(),
  snapshotEveryBytes: Joi.number().integer().min(1),
  retainRevisions: Joi.number().integer().min(1),
  retainMs: Joi.number().integer().min(0),
  compactionIntervalMs: Joi.number().integer().min(0),
  maxWatchBacklog: Joi.number().integer().min(1),
};

const etcdStore: Record<keyof EtcdStoreConfig, Joi.Schema> = {
  endpoints: Joi.array().items(Joi.string().uri({ scheme: ['http', 'https'] })).min(1).required(),
  prefix: Joi.string(),
  requestTimeoutMs: Joi.number().integer().min(1),
  dialTimeoutMs: Joi.number().integer().min(1),
  watchReconnectTimeoutMs: Joi.number().integer().min(1),
  watchBufferSize: Joi.number().integer().min(1),
  auth: Joi.object({ username: Joi.string().required(), password: Joi.string().required() }),
  tls: Joi.object({ caFile: Joi.string().required(), certFile: Joi.string(), keyFile: Joi.string() }),
};

// Keyed by AgentTiming, so a period added to the agent is configurable (or this fails to compile).
const ms = (min: number) => Joi.number().integer().min(min).max(24 * 3600 * 1000);
const agentTimingKeys: Record<keyof AgentTiming, Joi.Schema> = {
  leaseRenewMs: ms(100),
  leaseDurationSeconds: Joi.number().integer().min(1).max(3600),
  nodeStatusMs: ms(100),
  relistMs: ms(10),
  resyncMs: ms(100),
  syncRetryInitialMs: ms(1),
  syncRetryMaxMs: ms(1),
  backoffInitialMs: ms(1),
  backoffMaxMs: ms(1),
  backoffResetMs: ms(1),
  requestTimeoutMs: ms(100),
};

/** The periods that only make sense together, checked with the defaults filled in. */
function agentTimingConflict(timing: Partial<AgentTiming>): string | undefined {
  const t = { ...DEFAULT_TIMING, ...timing };
  if (t.leaseRenewMs >= t.leaseDurationSeconds * 1000) {
    return `leaseRenewMs (${t.leaseRenewMs}) must be shorter than the lease, leaseDurationSeconds (${t.leaseDurationSeconds} s): the node would turn NotReady between renewals`;
  }
  if (t.syncRetryMaxMs < t.syncRetryInitialMs) return `syncRetryMaxMs (${t.syncRetryMaxMs}) must not be below syncRetryInitialMs (${t.syncRetryInitialMs})`;
  if (t.backoffMaxMs < t.backoffInitialMs) return `backoffMaxMs (${t.backoffMaxMs}) must not be below backoffInitialMs (${t.backoffInitialMs})`;
  return undefined;
}

const agentTiming = Joi.object(agentTimingKeys)
  .custom((value: Partial<AgentTiming>, helpers) => {
    const conflict = agentTimingConflict(value);
    return conflict ? helpers.message({ custom: conflict }) : value;
  });

const adapterName = Joi.string().pattern(/^[a-z0-9][a-z0-9-]*$/).messages({
  'string.pattern.base': 'must be a lower-case name (letters, digits, dashes), e.g. "docker"',
});

const pluginSet = (withWeight: boolean) =>
  Joi.object({
    enabled: Joi.array().items(
      Joi.object({
        name: Joi.string().required(),
        ...(withWeight ? { weight: Joi.number().integer().min(1) } : {}),
      }),
    ),
    disabled: Joi.array().items(Joi.string()),
  });

const profile = Joi.object({
  name: Joi.string().required(),
  plugins: Joi.object(Object.fromEntries(EXTENSION_POINTS.map((p) => [p, pluginSet(p === 'score')]))),
  pluginConfig: Joi.array()
    .items(Joi.object({ name: Joi.string().required(), args: Joi.any() }))
    .unique('name'),
});

/** Unknown keys are errors everywhere (joi's default for objects). */
export const configFileSchema: Joi.ObjectSchema<CorralConfigFile> = Joi.object({
  apiVersion: Joi.string().valid(CONFIG_API_VERSION).required(),
  kind: Joi.string().valid(CONFIG_KIND).required(),
  store: Joi.object({ embedded: Joi.object(embeddedStore), etcd: Joi.object(etcdStore) }).xor('embedded', 'etcd'),
  plugins: Joi.array().items(
    Joi.object({ name: Joi.string().min(1).required(), options: Joi.any(), enabled: Joi.boolean() }),
  ),
  scheduler: Joi.object({ profiles: Joi.array().items(profile).min(1).unique('name') }),
  agent: Joi.object({
    nodeName: Joi.string(),
    runtime: adapterName,
    network: Joi.object({ pods: adapterName, services: adapterName }),
    // One IP or a list, as kubelet's clusterDNS.
    clusterDNS: Joi.array().items(Joi.string().ip({ cidr: 'forbidden' })).min(1).max(3).single(),
    clusterDomain: Joi.string().hostname(),
    timing: agentTiming,
  }),
  server: Joi.object({
    listen: Joi.string()
      .pattern(/^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]*):\d{1,5}$/)
      .messages({ 'string.pattern.base': 'must be host:port, e.g. 127.0.0.1:6443' }),
    dataDir: Joi.string(),
    serviceCIDR: Joi.string()
      .pattern(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/)
      .messages({ 'string.pattern.base': 'must be an IPv4 CIDR, e.g. 10.96.0.0/12' }),
    nodePortRange: Joi.string()
      .pattern(/^\d{1,5}-\d{1,5}$/)
      .messages({ 'string.pattern.base': 'must be min-max, e.g. 30000-32767' }),
  }),
});
