import {
  AsyncParallelHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  SyncBailHook,
  SyncHook,
} from 'tapable';
import type { ApiObject } from '../api/index.js';
import type { AdmissionContext } from './contracts/admission.js';
import type { ControllerLifecycleEvent } from './contracts/controllers.js';
import type { PodNetwork, PodNetworkContext } from './contracts/network.js';
import type { ProxyContext, ProxyDataPath, ServiceTable } from './contracts/proxy.js';
import type {
  ContainerConfig,
  ContainerLifecycleContext,
  ContainerStatus,
  RuntimeAdapter,
  RuntimeContext,
} from './contracts/runtime.js';
import type { HookDoc } from './hook-doc.js';
import { namedHooks } from './hook-maps.js';
import type { ComponentRegistry } from './registries/ComponentRegistry.js';
import type { ControllerRegistry } from './registries/ControllerRegistry.js';
import type { ResourceRegistry } from './registries/ResourceRegistry.js';
import type { SchedulerPluginRegistry } from './registries/SchedulerPluginRegistry.js';

/**
 * Every hook of a Corral process, declared once and frozen: plugins tap them, nobody adds to
 * them (a plugin with hooks of its own offers them through `static getHooks(corral)`).
 * The tapable kind says how taps combine; CORRAL_HOOK_DOCS below says what each one means.
 */
export function createCorralHooks() {
  return Object.freeze({
    // process life cycle
    started: new AsyncParallelHook<[]>([]),
    shutdown: new AsyncSeriesHook<[]>([]),

    // API server
    registerResources: new SyncHook<[ResourceRegistry]>(['registry']),
    mutate: new AsyncSeriesWaterfallHook<[ApiObject, AdmissionContext]>(['object', 'ctx']),
    validate: new AsyncParallelHook<[ApiObject, AdmissionContext]>(['object', 'ctx']),

    // controllers
    registerControllers: new SyncHook<[ControllerRegistry]>(['registry']),
    controllersStart: new AsyncSeriesHook<[ControllerLifecycleEvent]>(['event']),
    controllersStop: new AsyncSeriesHook<[ControllerLifecycleEvent]>(['event']),

    // long-lived components of plugins (DNS, ...)
    registerComponents: new SyncHook<[ComponentRegistry]>(['registry']),

    // scheduler (the extension points themselves live on each profile: ProfileHooks)
    registerSchedulerPlugins: new SyncHook<[SchedulerPluginRegistry]>(['registry']),

    // agent
    runtimeAdapter: namedHooks('runtimeAdapter', () => new SyncBailHook<[RuntimeContext], RuntimeAdapter | undefined>(['ctx'])),
    podNetwork: namedHooks('podNetwork', () => new SyncBailHook<[PodNetworkContext], PodNetwork | undefined>(['ctx'])),
    beforeContainerStart: new AsyncSeriesWaterfallHook<[ContainerConfig, ContainerLifecycleContext]>(['config', 'ctx']),
    afterContainerStart: new AsyncParallelHook<[ContainerLifecycleContext]>(['ctx']),
    beforeContainerStop: new AsyncSeriesHook<[ContainerLifecycleContext]>(['ctx']),
    afterContainerStop: new AsyncParallelHook<[ContainerLifecycleContext, ContainerStatus | undefined]>(['ctx', 'status']),

    // service proxy
    proxyDataPath: namedHooks('proxyDataPath', () => new SyncBailHook<[ProxyContext], ProxyDataPath | undefined>(['ctx'])),
    syncServices: new AsyncSeriesWaterfallHook<[ServiceTable]>(['table']),
    servicesSynced: new AsyncParallelHook<[ServiceTable]>(['table']),
  });
}

export type CorralHooks = ReturnType<typeof createCorralHooks>;
export type CorralHookName = keyof CorralHooks;

/** The reference for every hook in CorralHooks (the compiler insists on one entry per hook). */
export const CORRAL_HOOK_DOCS: { readonly [K in CorralHookName]: HookDoc } = {
  started: {
    area: 'Process',
    receives: 'nothing',
    returns: 'nothing',
    when: "Once, after start-up succeeded and the role's components are running. Start long-lived work of your own here, not in `apply`.",
    mayBeSlow: true,
    notes: 'Taps run in parallel; a rejection stops the process.',
  },
  shutdown: {
    area: 'Process',
    receives: 'nothing',
    returns: 'nothing',
    when: 'Once, when the process stops (signal or fatal error), before the store closes.',
    mayBeSlow: true,
    notes: 'Runs in tap order; release what `started` acquired. Must not throw.',
  },
  registerResources: {
    area: 'API server',
    receives: '`registry`: the ResourceRegistry; call `registry.add(definition)` for each kind.',
    returns: 'nothing',
    when: 'Once during start-up, after every plugin applied, in every role (clients need the kinds too).',
    mayBeSlow: false,
    notes: 'A kind or plural registered twice stops start-up, naming both plugins.',
  },
  mutate: {
    area: 'API server',
    receives: '`object`: the incoming object, already defaulted; `ctx`: the AdmissionContext (operation, resource, old object, user, dryRun).',
    returns: 'The object to continue with (the same one changed, or a new one); the next tap receives it.',
    when: 'On every create and update, before `validate` and before the schema check that follows it.',
    mayBeSlow: false,
    notes: 'Runs on the write path: keep it in memory. Look at `ctx.resource.kind` and return other kinds unchanged.',
  },
  validate: {
    area: 'API server',
    receives: '`object`: the mutated object; `ctx`: the AdmissionContext.',
    returns: 'Nothing; throw `AdmissionDenied` to refuse the write (the client gets 403 with its message).',
    when: 'On every create, update and delete, after `mutate`, right before the store write.',
    mayBeSlow: false,
    notes: 'Taps run in parallel and must not modify the object or have side effects (dry runs pass here too).',
  },
  registerControllers: {
    area: 'Controllers',
    receives: '`registry`: the ControllerRegistry; call `registry.add({ name, for, owns?, reconcile })`.',
    returns: 'nothing',
    when: 'Once during start-up, after every plugin applied.',
    mayBeSlow: false,
    notes: 'The controller manager runs the registered reconcilers; a duplicate name stops start-up.',
  },
  controllersStart: {
    area: 'Controllers',
    receives: '`event`: why (startup or leader-elected) and this process\'s lease identity.',
    returns: 'nothing',
    when: 'In server roles, each time this process starts running controllers (after winning the lease when leader election is on).',
    mayBeSlow: true,
  },
  controllersStop: {
    area: 'Controllers',
    receives: '`event`: why (leader-lost or shutdown) and the identity.',
    returns: 'nothing',
    when: 'Each time controllers stop; reconcile calls in flight have been aborted.',
    mayBeSlow: true,
    notes: 'After leader-lost, another process may already be reconciling: do not write.',
  },
  registerComponents: {
    area: 'Components',
    receives: '`registry`: the ComponentRegistry; call `registry.add({ name, roles?, start })`.',
    returns: 'nothing',
    when: 'Once during start-up, after every plugin applied.',
    mayBeSlow: false,
    notes: "`start(ctx)` runs once the process's API client works, with the shared informers; it returns `{ stop }`. Components run on every server (no leader election); a duplicate name stops start-up.",
  },
  registerSchedulerPlugins: {
    area: 'Scheduler',
    receives: '`registry`: the SchedulerPluginRegistry; call `registry.add({ name, args?, create })`.',
    returns: 'nothing',
    when: 'Once during start-up, after every plugin applied and before the scheduler profiles are built.',
    mayBeSlow: false,
    notes: 'Registering makes a plugin available; profiles in the config enable it per extension point.',
  },
  runtimeAdapter: {
    area: 'Agent',
    receives: '`ctx`: the node name and the agent\'s state directory.',
    returns: 'A RuntimeAdapter, or undefined to let the next tap answer; the first adapter returned wins.',
    when: 'Once when the agent starts, on `runtimeAdapter.for(agent.runtime)` (the name from the config).',
    mayBeSlow: false,
    notes: 'Keyed by runtime name: tap `hooks.runtimeAdapter.for("docker")`. Connect lazily, not in the factory.',
  },
  podNetwork: {
    area: 'Agent',
    receives: '`ctx`: the node name, its pod subnet and the agent\'s state directory.',
    returns: 'A PodNetwork, or undefined; the first one returned wins.',
    when: 'Once when the agent starts, on `podNetwork.for(agent.network.pods)`.',
    mayBeSlow: false,
    notes: 'Keyed by network name: tap `hooks.podNetwork.for("bridge")`.',
  },
  beforeContainerStart: {
    area: 'Agent',
    receives: '`config`: the ContainerConfig about to be created; `ctx`: pod, container, sandbox id, runtime.',
    returns: 'The ContainerConfig to create (changed or not); the next tap receives it.',
    when: 'For every container the agent starts, before createContainer.',
    mayBeSlow: true,
    notes: 'The pod waits for it: keep it short. Return a new object rather than mutating `config`.',
  },
  afterContainerStart: {
    area: 'Agent',
    receives: '`ctx`: pod, container, sandbox id, container id, runtime.',
    returns: 'nothing',
    when: 'After a container started.',
    mayBeSlow: true,
    notes: 'Taps run in parallel; a rejection is logged, the container keeps running.',
  },
  beforeContainerStop: {
    area: 'Agent',
    receives: '`ctx`: pod, container, sandbox id, container id, runtime.',
    returns: 'nothing',
    when: 'Before the agent stops a container (pod deleted, or restart).',
    mayBeSlow: true,
    notes: "Time spent here counts against the pod's termination grace period.",
  },
  afterContainerStop: {
    area: 'Agent',
    receives: '`ctx`: as above; `status`: the runtime\'s last ContainerStatus (exit code), if it has one.',
    returns: 'nothing',
    when: 'After a container stopped, before it is removed.',
    mayBeSlow: true,
    notes: 'Taps run in parallel; rejections are logged.',
  },
  proxyDataPath: {
    area: 'Service proxy',
    receives: '`ctx`: the node name and its addresses.',
    returns: 'A ProxyDataPath, or undefined; the first one returned wins.',
    when: 'Once when the proxy starts, on `proxyDataPath.for(agent.network.services)`.',
    mayBeSlow: false,
    notes:
      'Keyed by data path name: tap `hooks.proxyDataPath.for("iptables")`. The proxy calls the data path\'s ' +
      '`sync(table, changes)`: `table` is always the whole table, and `changes` (`ServiceTableChanges`) names the ' +
      'Services and Service ports (`namespace/name:port/protocol`) added, changed or removed since the last table ' +
      'it synced without error, so a data path that keeps state per Service (as iptables does) can skip comparing ' +
      'the rest. A data path may ignore `changes` and replace its state from the table (the userspace one does). ' +
      '`changes` is worked out after the `syncServices` taps, from the table they returned. After a sync that threw, ' +
      'the next `changes` still count from the last table synced without error: a data path that may have applied ' +
      'part of the failed sync must compare for itself on the next call.',
  },
  syncServices: {
    area: 'Service proxy',
    receives: '`table`: the whole desired ServiceTable built from Services and Endpoints.',
    returns: 'The table to program (changed or not); the next tap receives it, then the data path syncs it.',
    when: 'Every time the proxy syncs (after changes, batched, and periodically).',
    mayBeSlow: false,
    notes: 'Return a new table rather than mutating the one received.',
  },
  servicesSynced: {
    area: 'Service proxy',
    receives: '`table`: the table the data path now forwards.',
    returns: 'nothing',
    when: 'After each successful sync of the data path.',
    mayBeSlow: true,
    notes: 'Taps run in parallel; the next sync waits for them, so keep them short.',
  },
};
