import type { EffectiveConfig } from './config/layer.js';
import { createCorralHooks, type CorralHooks } from './hooks.js';
import type { LoadedPlugin, SkippedPlugin } from './plugins/load.js';
import { ComponentRegistry } from './registries/ComponentRegistry.js';
import { ControllerRegistry } from './registries/ControllerRegistry.js';
import { ResourceRegistry } from './registries/ResourceRegistry.js';
import { SchedulerPluginRegistry } from './registries/SchedulerPluginRegistry.js';
import type { Role } from './roles.js';
import type { SchedulerProfile } from './scheduler/profiles.js';

export { ROLES, type Role } from './roles.js';

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
    /** The plugins imported, in list order, including those whose code declares roles without this one. */
    readonly plugins: readonly LoadedPlugin[] = [],
    /** The plugins not imported at all: their package.json declares roles without this one. */
    readonly skippedPlugins: readonly SkippedPlugin[] = [],
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
