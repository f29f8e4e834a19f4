import type { SyncHook } from 'tapable';
import { Corral, appliesIn, type Role } from './Corral.js';
import { Problems } from './Problems.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import type { Origin } from './config/paths.js';
import { namedHookKeys } from './hook-maps.js';
import { describeError, loadPlugins } from './plugins/load.js';
import type { OwnedRegistry } from './registries/OwnedRegistry.js';
import { buildSchedulerProfiles } from './scheduler/profiles.js';

export interface CreateCorralOptions {
  readonly role: Role;
  /** The user's config file (YAML or JSON); the default config alone when absent. */
  readonly configFile?: string;
  /** Replaces the shipped default config (tests, embedders). */
  readonly defaultConfigFile?: string;
}

/**
 * Loads the config, loads and applies its plugins, fills the registries and builds the
 * scheduler profiles. Everything is checked before anything runs: on any problem it throws one
 * ConfigError listing all of them, and the half-built Corral is dropped.
 */
export async function createCorral(options: CreateCorralOptions): Promise<Corral> {
  const loaded = await loadConfig(options.configFile, { defaultFile: options.defaultConfigFile });
  return bootCorral(loaded, options.role);
}

/** `createCorral` for a config already loaded. */
export async function bootCorral(loaded: LoadedConfig, role: Role): Promise<Corral> {
  const problems = new Problems(loaded.sources);
  // Plugins whose package.json excludes this role are never imported: an agent does not load the
  // server's controllers.
  const { loaded: plugins, skipped } = await loadPlugins(loaded.config.plugins, problems, role);
  problems.throwIfAny();

  const corral = new Corral(role, loaded.config, plugins, skipped);
  for (const plugin of plugins) {
    if (!appliesIn(plugin, role)) continue;
    try {
      const result: unknown = plugin.instance.apply(corral);
      if (typeof (result as Promise<unknown> | undefined)?.then === 'function') {
        problems.at(plugin.origin, `plugin "${plugin.name}": apply returned a promise; apply only taps hooks and must be synchronous (do async work in a hook such as started)`, ['name']);
      }
    } catch (err) {
      problems.at(plugin.origin, `plugin "${plugin.name}" threw in apply: ${describeError(err)}`, ['name']);
    }
  }
  problems.throwIfAny();

  // A problem found in a tap is placed at the entry of the plugin whose name the tap carries.
  const blame = (tapName: string, message: string): void => {
    const origin = plugins.find((p) => p.name === tapName)?.origin;
    if (origin) problems.at(origin, message, ['name']);
    else problems.at({ file: loaded.config.files.at(-1) ?? '', path: ['plugins'] }, message);
  };
  register('registerResources', corral.hooks.registerResources, corral.resources, blame);
  register('registerControllers', corral.hooks.registerControllers, corral.controllers, blame);
  register('registerComponents', corral.hooks.registerComponents, corral.components, blame);
  register('registerSchedulerPlugins', corral.hooks.registerSchedulerPlugins, corral.schedulerPlugins, blame);

  if (corral.runs('server')) {
    for (const [name, profile] of buildSchedulerProfiles(loaded.config.scheduler.profiles, corral.schedulerPlugins, problems)) {
      corral.schedulerProfiles.set(name, profile);
    }
  }
  if (corral.runs('agent')) checkAdapters(corral, problems);
  problems.throwIfAny();
  return corral;
}

/** Calls a `register*` hook, telling the registry whose tap runs; then seals the registry. */
function register<R extends OwnedRegistry<unknown>>(
  hookName: string,
  hook: SyncHook<[R]>,
  registry: R,
  blame: (tapName: string, message: string) => void,
): void {
  let current = '';
  hook.intercept({
    tap: (tap) => {
      current = tap.name;
      registry.setOwner(tap.name);
    },
  });
  try {
    hook.call(registry);
  } catch (err) {
    blame(current, `plugin "${current}" threw in ${hookName}: ${describeError(err)}`);
  }
  for (const c of registry.conflicts) blame(c.owner, `plugin "${c.owner}": ${c.message}`);
  registry.seal();
}

/** The adapter names in `agent` must be offered by some plugin's tap. */
/** The network name that means "no adapter". */
export const NO_ADAPTER = 'none';

function checkAdapters(corral: Corral, problems: Problems): void {
  const { agent, agentOrigins } = corral.config;
  const check = (what: string, map: { get(key: string): { isUsed(): boolean } | undefined }, name: string | undefined, origin: Origin | undefined) => {
    if (name === undefined || map.get(name)?.isUsed()) return;
    const offered = namedHookKeys(map).filter((k) => map.get(k)?.isUsed());
    problems.at(
      origin ?? { file: corral.config.files.at(-1) ?? '', path: [] },
      `no plugin offers the ${what} "${name}" (offered: ${offered.join(', ') || 'none'}); add the plugin that does to \`plugins\``,
    );
  };
  check('runtime', corral.hooks.runtimeAdapter, agent.runtime, agentOrigins.runtime);
  // "none" turns the pod network (pods share the node's) or the service proxy off.
  const named = (n: string | undefined) => (n === NO_ADAPTER ? undefined : n);
  check('pod network', corral.hooks.podNetwork, named(agent.network?.pods), agentOrigins.pods);
  check('service data path', corral.hooks.proxyDataPath, named(agent.network?.services), agentOrigins.services);
}
