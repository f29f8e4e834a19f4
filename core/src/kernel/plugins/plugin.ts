import type { Schema } from 'joi';
import { isJoiSchema } from '../config/joi-check.js';
import type { Corral, Role } from '../Corral.js';

/**
 * A plugin as an object: `name` is the tap name it uses everywhere, `options` validates the
 * config's `options` for it (joi defaults apply), `apply` taps hooks and nothing else.
 */
export interface CorralPlugin<O = any> {
  readonly name: string;
  readonly options?: Schema<O>;
  /** The roles it applies in; every role when absent. */
  readonly roles?: readonly Role[];
  apply(corral: Corral, options: O): void;
}

/**
 * A plugin as a class (webpack's shape): constructed with its validated options, then applied.
 * Its name is the instance's `name` when it has one, else the class's own name.
 */
export interface CorralPluginClass<O = any> {
  new (options: O): { apply(corral: Corral, options: O): void; readonly name?: string };
  readonly name: string;
  readonly options?: Schema<O>;
  readonly roles?: readonly Role[];
}

/** A plugin ready to apply: options validated, class instantiated. */
export interface PluginInstance {
  readonly name: string;
  apply(corral: Corral): void;
}

/** What a plugin module exports, in one shape. */
export interface PluginDefinition {
  readonly optionsSchema?: Schema;
  readonly roles?: readonly Role[];
  instantiate(options: unknown): PluginInstance;
}

/**
 * Finds the plugin in a module: its `default` export, else its `plugin` export. Returns a
 * sentence saying what was found instead when neither is a plugin.
 */
export function pluginFromModule(mod: Record<string, unknown>): PluginDefinition | string {
  const found: string[] = [];
  for (const key of ['default', 'plugin']) {
    if (!(key in mod)) continue;
    const candidate = asPlugin(mod[key]);
    if (typeof candidate !== 'string') return candidate;
    found.push(`the ${key} export ${candidate}`);
  }
  const what = found.length > 0 ? found.join('; ') : `it exports only: ${Object.keys(mod).join(', ') || 'nothing'}`;
  return `the module exports no plugin (a default or named \`plugin\` export: { name, apply } or a class with apply()); ${what}`;
}

function asPlugin(value: unknown): PluginDefinition | string {
  if (typeof value === 'function') {
    const cls = value as CorralPluginClass;
    if (typeof cls.prototype?.apply !== 'function') return 'is a function without apply() on its prototype';
    if (cls.options !== undefined && !isJoiSchema(cls.options)) return 'has a static `options` that is not a joi schema';
    return {
      optionsSchema: cls.options,
      roles: cls.roles,
      instantiate(options) {
        const instance = new cls(options);
        const name = typeof instance.name === 'string' && instance.name ? instance.name : cls.name;
        return { name, apply: (corral) => instance.apply(corral, options) };
      },
    };
  }
  if (typeof value !== 'object' || value === null) return `is ${value === null ? 'null' : typeof value}`;
  const obj = value as Partial<CorralPlugin>;
  if (typeof obj.apply !== 'function') return 'is an object without apply()';
  if (typeof obj.name !== 'string' || obj.name === '') return 'has no `name` (a non-empty string)';
  if (obj.options !== undefined && !isJoiSchema(obj.options)) return 'has `options` that is not a joi schema';
  const plugin = obj as CorralPlugin;
  return {
    optionsSchema: plugin.options,
    roles: plugin.roles,
    instantiate: (options) => ({ name: plugin.name, apply: (corral) => plugin.apply(corral, options) }),
  };
}
