import { HookMap } from 'tapable';
import { apiVersionOf } from '../api/index.js';
import { appliesIn, type Corral, type Role } from './Corral.js';
import { formatPath } from './config/paths.js';
import { namedHookKeys } from './hook-maps.js';
import type { PluginSource } from './plugins/resolve.js';
import type { ProfilePluginInfo } from './scheduler/profiles.js';
import { EXTENSION_POINTS, type ExtensionPoint } from './scheduler/types.js';

/** One tap a plugin made, read back from tapable's records. */
export interface TapReport {
  /** `mutate`, or `runtimeAdapter.for("docker")` for keyed hooks. */
  readonly hook: string;
  readonly stage?: number;
  readonly before?: string | string[];
}

export interface PluginReport {
  readonly name: string;
  /** The name in the config (package or path) and where it was written. */
  readonly entry: string;
  readonly configuredAt: string;
  readonly source: PluginSource;
  readonly options: unknown;
  /** False when the plugin declares roles that exclude this process's role. */
  readonly applied: boolean;
  /** False when its package.json's roles exclude this role, so its code was not even imported. */
  readonly loaded: boolean;
  readonly roles?: readonly Role[];
  readonly taps: readonly TapReport[];
  readonly registered: {
    readonly resources: readonly string[];
    readonly controllers: readonly string[];
    readonly schedulerPlugins: readonly string[];
    readonly components: readonly string[];
  };
}

export interface ProfileReport {
  readonly name: string;
  readonly enabled: Readonly<Partial<Record<ExtensionPoint, readonly ProfilePluginInfo[]>>>;
}

/** What `corral plugins` prints. */
export interface CorralReport {
  readonly role: Role;
  readonly configFiles: readonly string[];
  readonly plugins: readonly PluginReport[];
  readonly schedulerProfiles: readonly ProfileReport[];
}

/** Reads back what each plugin did to a started Corral: its taps and its registrations. */
export function describeCorral(corral: Corral): CorralReport {
  const taps = collectTaps(corral);
  const plugins = corral.plugins.map((p): PluginReport => ({
    name: p.name,
    entry: p.entry,
    configuredAt: `${p.origin.file}: ${formatPath(p.origin.path)}`,
    source: p.source,
    options: p.options,
    applied: appliesIn(p, corral.role),
    loaded: true,
    ...(p.roles ? { roles: p.roles } : {}),
    taps: taps.get(p.name) ?? [],
    registered: {
      resources: corral.resources
        .list()
        .filter((d) => corral.resources.ownerOf(d) === p.name)
        .map((d) => `${apiVersionOf(d)} ${d.kind}`),
      controllers: corral.controllers
        .list()
        .filter((c) => corral.controllers.ownerOf(c) === p.name)
        .map((c) => c.name),
      schedulerPlugins: corral.schedulerPlugins
        .names()
        .filter((n) => corral.schedulerPlugins.ownerOf(corral.schedulerPlugins.get(n)!) === p.name),
      components: corral.components
        .list()
        .filter((c) => corral.components.ownerOf(c) === p.name)
        .map((c) => `${c.name} (${(c.roles ?? ['server']).join(', ')})`),
    },
  }));
  for (const p of corral.skippedPlugins) {
    plugins.push({
      name: p.entry,
      entry: p.entry,
      configuredAt: `${p.origin.file}: ${formatPath(p.origin.path)}`,
      source: p.source,
      options: p.options,
      applied: false,
      loaded: false,
      roles: p.roles,
      taps: [],
      registered: { resources: [], controllers: [], schedulerPlugins: [], components: [] },
    });
  }
  // In the config's order, loaded or not.
  const order = corral.config.plugins.map((e) => e.name);
  plugins.sort((a, b) => order.indexOf(a.entry) - order.indexOf(b.entry));
  const schedulerProfiles = [...corral.schedulerProfiles.values()].map((profile) => ({
    name: profile.name,
    enabled: Object.fromEntries(EXTENSION_POINTS.filter((pt) => profile.enabled[pt].length > 0).map((pt) => [pt, profile.enabled[pt]])),
  }));
  return { role: corral.role, configFiles: corral.config.files, plugins, schedulerProfiles };
}

interface TapRecord {
  readonly name: string;
  readonly stage?: number;
  readonly before?: string | string[];
}

function collectTaps(corral: Corral): Map<string, TapReport[]> {
  const byPlugin = new Map<string, TapReport[]>();
  const add = (hook: string, taps: readonly TapRecord[]) => {
    for (const t of taps) {
      const list = byPlugin.get(t.name) ?? [];
      list.push({ hook, ...(t.stage ? { stage: t.stage } : {}), ...(t.before ? { before: t.before } : {}) });
      byPlugin.set(t.name, list);
    }
  };
  for (const [name, hook] of Object.entries(corral.hooks)) {
    if (hook instanceof HookMap) {
      for (const key of namedHookKeys(hook)) add(`${name}.for(${JSON.stringify(key)})`, (hook.get(key) as { taps: TapRecord[] }).taps);
    } else {
      add(name, (hook as { taps: TapRecord[] }).taps);
    }
  }
  return byPlugin;
}
