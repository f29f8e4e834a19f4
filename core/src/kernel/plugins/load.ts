import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Role } from '../Corral.js';
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
 * Loads every entry of the effective plugin list, in order. Problems are collected, not thrown:
 * the caller stops before applying anything when there are any.
 */
export async function loadPlugins(entries: readonly EffectivePluginEntry[], problems: Problems): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const entry of entries) {
    const plugin = await loadOne(entry, problems);
    if (!plugin) continue;
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
  return loaded;
}

async function loadOne(entry: EffectivePluginEntry, problems: Problems): Promise<LoadedPlugin | undefined> {
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
  return { name: instance.name, entry: entry.name, source: found.source, options, roles: definition.roles, origin: entry.origin, instance };
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
