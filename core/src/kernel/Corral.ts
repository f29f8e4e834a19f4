import type { EffectiveConfig } from './config/layer.js';
import { createCorralHooks, type CorralHooks } from './hooks.js';
import type { LoadedPlugin } from './plugins/load.js';
import { ComponentRegistry } from './registries/ComponentRegistry.js';
import { ControllerRegistry } from './registries/ControllerRegistry.js';
import { ResourceRegistry } from './registries/ResourceRegistry.js';
import { SchedulerPluginRegistry } from './registries/SchedulerPluginRegistry.js';
import type { SchedulerProfile } from './scheduler/profiles.js';

/**
 * What a process runs: `server` (API server, controllers, scheduler), `agent` (node agent and
 * service proxy) or `all` of them (`corral up`).
 */
export type Role = 'server' | 'agent' | 'all';
export const ROLES: readonly Role[] = ['server', 'agent', 'all'];

/**
 * The kernel of one Corral process (webpack's Compiler): its hooks, declared in one place and
 * frozen, and the registries the `register*` hooks fill at start-up. Plugins receive it in
 * `apply`. Create it with `createCorral`, which loads the config and the plugins.
 */
export class Corral {
  readonly hooks: CorralHooks = createCorralHooks();
  /** Kinds the API serves (filled through `hooks.registerResources`). */
  readonly resources = new ResourceRegistry();
  /** Reconcilers (filled through `hooks.registerControllers`). */
  readonly controllers = new ControllerRegistry();
  /** Long-lived components of plugins (filled through `hooks.registerComponents`). */
  readonly components = new ComponentRegistry();
  /** Scheduler framework plugins by name (filled through `hooks.registerSchedulerPlugins`). */
  readonly schedulerPlugins = new SchedulerPluginRegistry();
  /** The configured scheduler profiles, built at start-up in server roles. */
  readonly schedulerProfiles = new Map<string, SchedulerProfile>();

  constructor(
    readonly role: Role,
    readonly config: EffectiveConfig = emptyConfig(),
    /** The plugins of the config, in list order, including those not applied in this role. */
    readonly plugins: readonly LoadedPlugin[] = [],
  ) {}

  /** Whether this process runs the server's components or the agent's. */
  runs(component: 'server' | 'agent'): boolean {
    return this.role === 'all' || this.role === component;
  }

  /** The profile pods with `spec.schedulerName: name` use. */
  schedulerProfile(name: string): SchedulerProfile {
    const profile = this.schedulerProfiles.get(name);
    if (!profile) {
      throw new Error(`no scheduler profile "${name}"; configured: ${[...this.schedulerProfiles.keys()].join(', ') || '(none)'}`);
    }
    return profile;
  }
}

/** Whether `plugin` applies in `role` (plugins without `roles` apply everywhere). */
export function appliesIn(plugin: Pick<LoadedPlugin, 'roles'>, role: Role): boolean {
  return !plugin.roles || role === 'all' || plugin.roles.includes(role) || plugin.roles.includes('all');
}

function emptyConfig(): EffectiveConfig {
  return { files: [], plugins: [], scheduler: { profiles: [] }, agent: {}, server: {}, agentOrigins: {} };
}
