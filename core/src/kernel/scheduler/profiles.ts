import type { Problems } from '../Problems.js';
import { joiCheck } from '../config/joi-check.js';
import type { EffectiveProfile, EffectiveSchedulerPlugin } from '../config/layer.js';
import { describeError } from '../plugins/load.js';
import type { SchedulerPluginRegistry } from '../registries/SchedulerPluginRegistry.js';
import { createProfileHooks, type ProfileHooks } from './profile-hooks.js';
import { tapExtensionPoint } from './tap-points.js';
import { EXTENSION_POINTS, POINT_METHODS, type ExtensionPoint, type SchedulerPlugin } from './types.js';

export interface ProfilePluginInfo {
  readonly name: string;
  /** Score only. */
  readonly weight?: number;
}

/**
 * One scheduler profile: its own frozen extension point hooks, with the enabled scheduler plugins
 * tapped in order. Pods pick a profile by `spec.schedulerName`.
 */
export interface SchedulerProfile {
  readonly name: string;
  readonly hooks: ProfileHooks;
  /** What each extension point runs, in order (for `corral plugins` and logs). */
  readonly enabled: Readonly<Record<ExtensionPoint, readonly ProfilePluginInfo[]>>;
}

/**
 * Builds every profile from the effective config and the filled registry: checks that each
 * named plugin is registered and implements its extension point, validates its args, creates
 * one instance per profile and taps it. Problems are collected; profiles with problems are
 * left out (start-up stops anyway).
 */
export function buildSchedulerProfiles(
  profiles: readonly EffectiveProfile[],
  registry: SchedulerPluginRegistry,
  problems: Problems,
): Map<string, SchedulerProfile> {
  const built = new Map<string, SchedulerProfile>();
  for (const profile of profiles) {
    const before = problems.count;
    const result = buildProfile(profile, registry, problems);
    if (problems.count === before) built.set(profile.name, result);
  }
  checkSharedQueueSort(profiles, problems);
  return built;
}

function buildProfile(profile: EffectiveProfile, registry: SchedulerPluginRegistry, problems: Problems): SchedulerProfile {
  const registered = registry.names();
  const known = (name: string) => registry.get(name) !== undefined;
  const unknown = (name: string) =>
    `scheduler plugin "${name}" is not registered; registered: ${registered.length > 0 ? registered.join(', ') : '(none)'}`;

  for (const d of profile.disabled) if (!known(d.name)) problems.at(d.origin, unknown(d.name));
  for (const [name, c] of profile.pluginConfig) if (!known(name)) problems.at({ file: c.origin.file, path: c.origin.path.slice(0, -1) }, unknown(name), ['name']);

  const instances = new Map<string, SchedulerPlugin | null>();
  const usable = (entry: EffectiveSchedulerPlugin, point: ExtensionPoint): SchedulerPlugin | undefined => {
    const factory = registry.get(entry.name);
    if (!factory) {
      problems.at(entry.origin, unknown(entry.name), ['name']);
      return undefined;
    }
    if (!instances.has(entry.name)) instances.set(entry.name, instantiate(profile, entry, factory, problems) ?? null);
    const instance = instances.get(entry.name);
    if (!instance) return undefined;
    const missing = POINT_METHODS[point].filter((m) => typeof instance[m] !== 'function');
    if (missing.length > 0) {
      problems.at(entry.origin, `scheduler plugin "${entry.name}" does not implement ${point} (it has no ${missing.join('() or ')}())`, ['name']);
      return undefined;
    }
    return instance;
  };

  const hooks = createProfileHooks();
  const enabled = {} as Record<ExtensionPoint, ProfilePluginInfo[]>;
  for (const point of EXTENSION_POINTS) {
    enabled[point] = [];
    const entries = profile.points[point];
    if (point === 'queueSort' && entries.length > 1) {
      problems.at(entries[1]!.origin, `only one queueSort plugin may be enabled; "${entries[0]!.name}" already is`);
    }
    entries.forEach((entry, index) => {
      const instance = usable(entry, point);
      if (!instance) return;
      tapExtensionPoint(hooks, point, entry.name, instance, { weight: entry.weight, index });
      enabled[point].push(point === 'score' ? { name: entry.name, weight: entry.weight } : { name: entry.name });
    });
  }
  return Object.freeze({ name: profile.name, hooks, enabled: Object.freeze(enabled) });
}

function instantiate(
  profile: EffectiveProfile,
  entry: EffectiveSchedulerPlugin,
  factory: NonNullable<ReturnType<SchedulerPluginRegistry['get']>>,
  problems: Problems,
): SchedulerPlugin | undefined {
  const config = profile.pluginConfig.get(entry.name);
  let args = config?.args;
  if (factory.args) {
    const given = args === undefined && factory.args.type === 'object' ? {} : args;
    const origin = config?.origin ?? { file: profile.origin.file, path: [...profile.origin.path, 'pluginConfig'] };
    const checked = joiCheck(factory.args, given, origin, problems);
    if (!checked.ok) return undefined;
    args = checked.value;
  } else if (args !== undefined) {
    problems.at(config!.origin, `scheduler plugin "${entry.name}" takes no args`);
    return undefined;
  }
  try {
    return factory.create(args, { profileName: profile.name });
  } catch (err) {
    problems.at(entry.origin, `scheduler plugin "${entry.name}" threw while being created for profile "${profile.name}": ${describeError(err)}`, ['name']);
    return undefined;
  }
}

/** One scheduling queue serves every profile, so they must order it the same way. */
function checkSharedQueueSort(profiles: readonly EffectiveProfile[], problems: Problems): void {
  const first = profiles[0];
  if (!first) return;
  const expected = first.points.queueSort[0]?.name;
  for (const p of profiles.slice(1)) {
    const got = p.points.queueSort[0]?.name;
    if (got !== expected) {
      problems.at(
        { file: p.origin.file, path: [...p.origin.path, 'plugins', 'queueSort'] },
        `every profile must use the same queueSort plugin (one queue serves them all): profile "${first.name}" uses ${expected ?? 'none'}, "${p.name}" uses ${got ?? 'none'}`,
      );
    }
  }
}
