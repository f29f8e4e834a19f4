import type { Problems } from '../Problems.js';
import { EXTENSION_POINTS, type ExtensionPoint } from '../scheduler/types.js';
import type { Origin } from './paths.js';
import type { StoreConfig } from '../../store/index.js';
import type { AgentSettings, CorralConfigFile, ProfileConfig, ServerSettings } from './schema.js';

/** One plugin of the effective list, with where its name and its options were written. */
export interface EffectivePluginEntry {
  readonly name: string;
  readonly options: unknown;
  readonly origin: Origin;
  readonly optionsOrigin: Origin;
}

export interface EffectiveSchedulerPlugin {
  readonly name: string;
  /** 1 unless the config says otherwise; only score uses it. */
  readonly weight: number;
  readonly origin: Origin;
}

/** A scheduler profile after layering on the default profile. */
export interface EffectiveProfile {
  readonly name: string;
  readonly origin: Origin;
  readonly points: Readonly<Record<ExtensionPoint, readonly EffectiveSchedulerPlugin[]>>;
  /** The names the config disabled (checked against the registry once it is filled). */
  readonly disabled: readonly { readonly name: string; readonly origin: Origin }[];
  readonly pluginConfig: ReadonlyMap<string, { readonly args: unknown; readonly origin: Origin }>;
}

/** The configuration a process runs with: the default config with the user's layered on it. */
export interface EffectiveConfig {
  /** The files it came from, default first. */
  readonly files: readonly string[];
  readonly store?: StoreConfig;
  readonly plugins: readonly EffectivePluginEntry[];
  readonly scheduler: { readonly profiles: readonly EffectiveProfile[] };
  readonly agent: AgentSettings;
  readonly server: ServerSettings;
  /** Where each adapter name in `agent` was written, for start-up's messages. */
  readonly agentOrigins: { readonly runtime?: Origin; readonly pods?: Origin; readonly services?: Origin };
}

export interface ConfigLayer {
  readonly file: string;
  readonly config: CorralConfigFile;
}

/**
 * Layers `user` on `base` (the default config):
 * - plugins: matched by `name`. Same name: the user's options replace the default's (all of
 *   them); `enabled: false` removes the entry; new names are appended in the user's order.
 * - scheduler.profiles: the user's list replaces the default's; every profile starts from the
 *   default config's first profile (kube-scheduler's default plugins): its `disabled` names
 *   (or '*') drop default plugins, its `enabled` ones are added (or re-weighted in place).
 * - store: the user's replaces the default's. agent, server: key by key.
 */
export function layerConfigs(base: ConfigLayer, user: ConfigLayer | undefined, problems: Problems): EffectiveConfig {
  const layers = user ? [base, user] : [base];
  const baseProfile = base.config.scheduler?.profiles?.[0];
  const emptyBase = emptyProfile({ file: base.file, path: [] });
  const defaultProfile = baseProfile ? layerProfile(emptyBase, baseProfile, { file: base.file, path: ['scheduler', 'profiles', 0] }, problems) : emptyBase;
  const profilesLayer = layers.findLast((l) => l.config.scheduler?.profiles !== undefined) ?? base;
  const profiles = (profilesLayer.config.scheduler?.profiles ?? []).map((p, i) => {
    const origin = { file: profilesLayer.file, path: ['scheduler', 'profiles', i] };
    return layerProfile(profilesLayer === base ? emptyBase : defaultProfile, p, origin, problems);
  });

  const agentOrigins: Record<string, Origin> = {};
  for (const l of layers) {
    if (l.config.agent?.runtime) agentOrigins.runtime = { file: l.file, path: ['agent', 'runtime'] };
    if (l.config.agent?.network?.pods) agentOrigins.pods = { file: l.file, path: ['agent', 'network', 'pods'] };
    if (l.config.agent?.network?.services) agentOrigins.services = { file: l.file, path: ['agent', 'network', 'services'] };
  }

  return {
    files: layers.map((l) => l.file),
    store: user?.config.store ?? base.config.store,
    plugins: layerPlugins(layers, problems),
    scheduler: { profiles: profiles.length > 0 ? profiles : [{ ...emptyBase, name: 'default-scheduler' }] },
    agent: {
      ...base.config.agent,
      ...user?.config.agent,
      network: { ...base.config.agent?.network, ...user?.config.agent?.network },
    },
    server: { ...base.config.server, ...user?.config.server },
    agentOrigins,
  };
}

interface PluginSlot extends EffectivePluginEntry {
  readonly enabled: boolean;
}

function layerPlugins(layers: readonly ConfigLayer[], problems: Problems): EffectivePluginEntry[] {
  const slots: PluginSlot[] = [];
  layers.forEach((layer, layerIndex) => {
    const seen = new Map<string, number>();
    (layer.config.plugins ?? []).forEach((entry, i) => {
      const origin: Origin = { file: layer.file, path: ['plugins', i] };
      const earlier = seen.get(entry.name);
      if (earlier !== undefined) {
        problems.at(origin, `duplicate plugin entry "${entry.name}" (already at plugins[${earlier}]); list each plugin once`, ['name']);
        return;
      }
      seen.set(entry.name, i);
      const at = slots.findIndex((s) => s.name === entry.name);
      const enabled = entry.enabled ?? true;
      if (at === -1) {
        if (!enabled && layerIndex > 0) {
          problems.at(origin, `disables "${entry.name}", which the default config does not list (${layers[0]!.file})`, ['enabled']);
          return;
        }
        const optionsOrigin = { file: layer.file, path: ['plugins', i, 'options'] };
        slots.push({ name: entry.name, options: entry.options, origin, optionsOrigin, enabled });
        return;
      }
      const prev = slots[at]!;
      const replaced = entry.options !== undefined;
      slots[at] = {
        name: entry.name,
        options: replaced ? entry.options : prev.options,
        origin,
        optionsOrigin: replaced ? { file: layer.file, path: ['plugins', i, 'options'] } : prev.optionsOrigin,
        enabled,
      };
    });
  });
  return slots.filter((s) => s.enabled).map(({ enabled: _enabled, ...entry }) => entry);
}

function emptyProfile(origin: Origin): EffectiveProfile {
  const points = Object.fromEntries(EXTENSION_POINTS.map((p) => [p, []])) as unknown as Record<ExtensionPoint, EffectiveSchedulerPlugin[]>;
  return { name: '', origin, points, disabled: [], pluginConfig: new Map() };
}

function layerProfile(base: EffectiveProfile, p: ProfileConfig, origin: Origin, problems: Problems): EffectiveProfile {
  const points = {} as Record<ExtensionPoint, EffectiveSchedulerPlugin[]>;
  const disabled: { name: string; origin: Origin }[] = [];
  for (const point of EXTENSION_POINTS) {
    const set = p.plugins?.[point];
    const setOrigin = { file: origin.file, path: [...origin.path, 'plugins', point] };
    const off = new Set(set?.disabled ?? []);
    (set?.disabled ?? []).forEach((name, i) => {
      if (name !== '*') disabled.push({ name, origin: { file: origin.file, path: [...setOrigin.path, 'disabled', i] } });
    });
    const custom: EffectiveSchedulerPlugin[] = [];
    (set?.enabled ?? []).forEach((e, i) => {
      const entryOrigin = { file: origin.file, path: [...setOrigin.path, 'enabled', i] };
      if (custom.some((c) => c.name === e.name)) {
        problems.at(entryOrigin, `"${e.name}" is enabled twice for ${point}`, ['name']);
        return;
      }
      custom.push({ name: e.name, weight: e.weight ?? 1, origin: entryOrigin });
    });
    const kept = base.points[point]
      .filter((b) => !off.has('*') && !off.has(b.name))
      .map((b) => custom.find((c) => c.name === b.name) ?? b);
    points[point] = [...kept, ...custom.filter((c) => !kept.includes(c))];
  }
  const pluginConfig = new Map(base.pluginConfig);
  (p.pluginConfig ?? []).forEach((c, i) => {
    pluginConfig.set(c.name, { args: c.args, origin: { file: origin.file, path: [...origin.path, 'pluginConfig', i, 'args'] } });
  });
  return { name: p.name, origin, points, disabled, pluginConfig };
}
