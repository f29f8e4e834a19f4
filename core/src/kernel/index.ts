// The kernel: the Corral object and its hooks, the plugin loader, the config file, the
// scheduler profiles, and the contracts that runtime, network and proxy plugins implement.
export { Corral, ROLES, appliesIn } from './Corral.js';
export type { Role } from './Corral.js';
export { createCorral, bootCorral } from './boot.js';
export type { CreateCorralOptions } from './boot.js';
export { ConfigError, formatProblem } from './ConfigError.js';
export type { ConfigProblem } from './ConfigError.js';
export { createCorralHooks, CORRAL_HOOK_DOCS } from './hooks.js';
export type { CorralHooks, CorralHookName } from './hooks.js';
export type { HookDoc } from './hook-doc.js';
export { namedHookKeys } from './hook-maps.js';
export { describeCorral } from './inspect.js';
export { Problems } from './Problems.js';
export type { CorralReport, PluginReport, ProfileReport, TapReport } from './inspect.js';
export { renderHooksDoc, HOOKS_DOC_PATH } from './docs/render.js';

export { loadConfig, DEFAULT_CONFIG_FILE, CORE_DIR } from './config/load.js';
export type { LoadedConfig, LoadConfigOptions } from './config/load.js';
export { configFileSchema, CONFIG_API_VERSION, CONFIG_KIND } from './config/schema.js';
export type {
  AgentSettings,
  CorralConfigFile,
  EnabledSchedulerPlugin,
  PluginEntryConfig,
  PluginSetConfig,
  ProfileConfig,
  ServerSettings,
} from './config/schema.js';
export type { EffectiveConfig, EffectivePluginEntry, EffectiveProfile, EffectiveSchedulerPlugin } from './config/layer.js';
export type { ConfigPath, Origin } from './config/paths.js';

export type { CorralPlugin, CorralPluginClass } from './plugins/plugin.js';
export type { LoadedPlugin, SkippedPlugin } from './plugins/load.js';
export type { PluginManifest, PluginSource } from './plugins/resolve.js';

export { ResourceRegistry } from './registries/ResourceRegistry.js';
export { ControllerRegistry } from './registries/ControllerRegistry.js';
export { ComponentRegistry } from './registries/ComponentRegistry.js';
export type { ComponentContext, ComponentRegistration, RunningComponent } from './contracts/components.js';
export { SchedulerPluginRegistry } from './registries/SchedulerPluginRegistry.js';
export type { RegistrationConflict } from './registries/OwnedRegistry.js';

export { CycleState } from './scheduler/CycleState.js';
export type { Cloneable } from './scheduler/CycleState.js';
export { createProfileHooks, PROFILE_HOOK_DOCS } from './scheduler/profile-hooks.js';
export type { ProfileHooks, ProfileHookName } from './scheduler/profile-hooks.js';
export { buildSchedulerProfiles } from './scheduler/profiles.js';
export type { SchedulerProfile, ProfilePluginInfo } from './scheduler/profiles.js';
export {
  CLUSTER_DEPENDENT_KEY,
  EXTENSION_POINTS,
  MAX_NODE_SCORE,
  POINT_METHODS,
  SCHEDULER_HANDLE_KEY,
  scheduleError,
  schedulerHandle,
  unresolvable,
  unschedulable,
} from './scheduler/types.js';
export type {
  BindPlugin,
  ExtensionPoint,
  FailureStatus,
  FilterPlugin,
  FrameworkHandle,
  HostPortUsage,
  NodeInfo,
  NodeScore,
  NodeStatusMap,
  PermitDecision,
  PermitPlugin,
  PostBindPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreBindPlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  QueuedPodInfo,
  ReservePlugin,
  ResourceAmounts,
  ScheduleCode,
  ScheduleStatus,
  SchedulerHandle,
  SchedulerPlugin,
  SchedulerPluginFactory,
  ScorePlugin,
  ScoreTotals,
  WaitingPod,
  WaitStatus,
} from './scheduler/types.js';

export { AdmissionDenied } from './contracts/admission.js';
export type { AdmissionContext, AdmissionOperation, UserInfo } from './contracts/admission.js';
export type {
  ControllerLifecycleEvent,
  ControllerRegistration,
  KindRef,
  EventRecorder,
  ReconcileContext,
  ReconcileResult,
  SharedInformers,
  WatchRegistration,
} from './contracts/controllers.js';
export type {
  ContainerConfig,
  ContainerResources,
  ContainerFilter,
  ContainerLifecycleContext,
  ContainerState as RuntimeContainerState,
  ContainerStatus as RuntimeContainerStatus,
  ExecOptions,
  ExecSession,
  ImageInfo,
  LogOptions,
  Mount,
  PodSandboxConfig,
  PodSandboxStatus,
  PortMapping,
  RuntimeAdapter,
  RuntimeContext,
  SandboxFilter,
  SandboxState,
} from './contracts/runtime.js';
export type { PodNetwork, PodNetworkAttachment, PodNetworkContext, PodNetworkStatus } from './contracts/network.js';
export type { ProxyContext, ProxyDataPath, ServiceBackend, ServiceEntry, ServicePortEntry, ServiceTable, ServiceTableChanges } from './contracts/proxy.js';
