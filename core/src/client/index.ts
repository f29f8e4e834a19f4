// The API client: kubeconfig files, the typed REST client, watches.
export {
  corralKubeconfigPath,
  KubeconfigError,
  kubeconfigFiles,
  loadKubeconfig,
  mergeKubeconfigs,
  readKubeconfig,
  resolveClientConfig,
  writeKubeconfig,
} from './kubeconfig.js';
export type {
  ClientConfig,
  Kubeconfig,
  KubeconfigCluster,
  KubeconfigContext,
  KubeconfigUser,
  LoadKubeconfigOptions,
  WriteKubeconfigOptions,
} from './kubeconfig.js';

export { ApiClient, PODS } from './ApiClient.js';
export type {
  ApiClientOptions,
  DeleteOptions,
  ApiListOptions,
  PodLogOptions,
  PatchType,
  PropagationPolicy,
  ResourceArg,
  Scale,
  ScopeOptions,
  VersionInfo,
  WriteOptions,
} from './ApiClient.js';
export { Discovery, kindPrefix, qualifiedName } from './discovery.js';
export type { ApiResource, ResourceRef } from './discovery.js';
export type { PodExecOptions, ExecResult } from './exec.js';
export { resourcePath } from './paths.js';
export type { ResolvedRef } from './paths.js';
export { ConnectionError, Transport } from './transport.js';
export type { RequestOptions, TransportOptions } from './transport.js';
export { ApiWatch } from './watch.js';
export type { ApiWatchEvent, ApiWatchEventType, ApiWatchOptions } from './watch.js';
export {
  controllerRefOf,
  defaultControllerRateLimiter,
  Expectations,
  EXPECTATIONS_TTL_MS,
  ExponentialFailureRateLimiter,
  Informer,
  informerFor,
  isControlledBy,
  listerWatcherFor,
  MaxOfRateLimiter,
  namespaceIndex,
  newControllerRef,
  nodeNameIndex,
  ObjectCache,
  cacheKey,
  ownerUidIndex,
  runController,
  splitKey,
  TokenBucketRateLimiter,
  WorkQueue,
} from './informer/index.js';
export type {
  ControllerOptions,
  DeleteHandler,
  IndexFunc,
  Indexers,
  InformerOptions,
  InformerWatch,
  ListerWatcher,
  RateLimiter,
  Selection,
  SyncResult,
  WorkQueueOptions,
} from './informer/index.js';
export { defaultIdentity, LeaderElector, leaderElectorFor, LEASES } from './leader/index.js';
export type { LeaderElectionSettings, LeaderElectionTimings, LeaderElectorOptions } from './leader/index.js';
