import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appliesIn, ROLES, type Role } from '../Corral.js';
import type { Problems } from '../Problems.js';
import { joiCheck } from '../config/joi-check.js';
import type { EffectivePluginEntry } from '../config/layer.js';
import { CORE_DIR } from '../config/load.js';
import { formatPath, type Origin } from '../config/paths.js';
import { pluginFromModule, type PluginInstance } from './plugin.js';
import { resolvePlugin, type PluginSource } from './resolve.js';

/** A plugin found, imported, its options validated and its instance made; not yet applied. */
export interface LoadedPlugin {
  /** The plugin's own name: its tap name. */
  readonly name: string;
  /** The name the config gave (package or path). */
  readonly entry: string;
  readonly source: PluginSource;
  /** The options after validation (joi defaults filled in). */
  readonly options: unknown;
  readonly roles?: readonly Role[];
  readonly origin: Origin;
  readonly instance: PluginInstance;
}

/**
 * A plugin whose package.json declares roles that exclude this process's: found, never imported
 * (its options are checked by the processes that load it).
 */
export interface SkippedPlugin {
  /** The name the config gave (package or path). */
  readonly entry: string;
  readonly source: PluginSource;
  readonly options: unknown;
  readonly roles: readonly Role[];
  readonly origin: Origin;
}

/**
 * Loads every entry of the effective plugin list, in order, for a process of `role`. Problems
 * are collected, not thrown: the caller stops before applying anything when there are any.
 */
export async function loadPlugins(
  entries: readonly EffectivePluginEntry[],
  problems: Problems,
  role: Role = 'all',
): Promise<{ loaded: LoadedPlugin[]; skipped: SkippedPlugin[] }> {
  const loaded: LoadedPlugin[] = [];
  const skipped: SkippedPlugin[] = [];
  for (const entry of entries) {
    const plugin = await loadOne(entry, problems, role);
    if (!plugin) continue;
    if ('skipped' in plugin) {
      skipped.push(plugin.skipped);
      continue;
    }
    const clash = loaded.find((p) => p.name === plugin.name);
    if (clash) {
      problems.at(
        entry.origin,
        `plugin name "${plugin.name}" (from "${entry.name}") is already taken by "${clash.entry}" at ${clash.origin.file}: ${formatPath(clash.origin.path)}; plugin names are tap names and must be unique`,
        ['name'],
      );
      continue;
    }
    loaded.push(plugin);
  }
  return { loaded, skipped };
}

async function loadOne(entry: EffectivePluginEntry, problems: Problems, role: Role): Promise<LoadedPlugin | { skipped: SkippedPlugin } | undefined> {
  const configDir = dirname(entry.origin.file);
  const found = resolvePlugin(entry.name, [configDir, CORE_DIR], configDir);
  if (!found.source) {
    const notes = found.notes.length > 0 ? `\n    (${found.notes.join('; ')})` : '';
    problems.at(
      entry.origin,
      `unknown plugin "${entry.name}": ${found.triedPackage ? 'no package or file by that name' : 'no file at that path'}; looked at:\n${found.lookedAt.map((p) => `      ${p}`).join('\n')}${notes}`,
      ['name'],
    );
    return undefined;
  }
  const { file } = found.source;
  const { manifest } = found;
  if (typeof manifest === 'string') {
    problems.at(entry.origin, `plugin "${entry.name}": ${manifest}`, ['name']);
    return undefined;
  }
  if (manifest?.roles && !appliesIn(manifest, role)) {
    return { skipped: { entry: entry.name, source: found.source, options: entry.options, roles: manifest.roles, origin: entry.origin } };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    problems.at(entry.origin, `plugin "${entry.name}" failed to load from ${file}: ${describeError(err)}`, ['name']);
    return undefined;
  }
  const definition = pluginFromModule(mod);
  if (typeof definition === 'string') {
    problems.at(entry.origin, `"${entry.name}" (${file}) is not a plugin: ${definition}`, ['name']);
    return undefined;
  }
  // The package.json may narrow where the code is imported, never claim a role the code refuses.
  const refused = manifest?.roles && definition.roles ? ROLES.filter((r) => appliesIn(manifest, r) && !appliesIn(definition, r)) : [];
  if (refused.length > 0) {
    problems.at(
      entry.origin,
      `plugin "${entry.name}": its package.json declares roles ${manifest!.roles!.join(', ')} but the plugin declares ${definition.roles!.join(', ')}, so it does nothing in ${refused.join(', ')}; make them agree`,
      ['name'],
    );
    return undefined;
  }
  let options: unknown = entry.options;
  const schema = definition.optionsSchema;
  if (schema) {
    const given = options === undefined && schema.type === 'object' ? {} : options;
    const checked = joiCheck(schema, given, entry.optionsOrigin, problems);
    if (!checked.ok) return undefined;
    options = checked.value;
  } else if (options !== undefined) {
    problems.at(entry.optionsOrigin, `plugin "${entry.name}" takes no options`);
    return undefined;
  }
  let instance: PluginInstance;
  try {
    instance = definition.instantiate(options);
  } catch (err) {
    problems.at(entry.origin, `plugin "${entry.name}" threw while being constructed: ${describeError(err)}`, ['name']);
    return undefined;
  }
  return { name: instance.name, entry: entry.name, source: found.source, options, roles: definition.roles ?? manifest?.roles, origin: entry.origin, instance };
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
