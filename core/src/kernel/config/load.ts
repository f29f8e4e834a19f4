import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Problems } from '../Problems.js';
import { joiCheck } from './joi-check.js';
import { layerConfigs, type ConfigLayer, type EffectiveConfig } from './layer.js';
import { configFileSchema, type CorralConfigFile } from './schema.js';
import { ConfigSource } from './ConfigSource.js';

/** Where @corral/core is installed (this file is dist/src/kernel/config/load.js in it). */
export const CORE_DIR = fileURLToPath(new URL('../../../../', import.meta.url));

/** The built-in plugin list and defaults, shipped with @corral/core. */
export const DEFAULT_CONFIG_FILE = join(CORE_DIR, 'default-config.yaml');

export interface LoadedConfig {
  readonly config: EffectiveConfig;
  /** The parsed files, so later problems (plugin options, profiles) get line numbers too. */
  readonly sources: readonly ConfigSource[];
}

export interface LoadConfigOptions {
  /** Replaces the shipped default config (tests, embedders). */
  readonly defaultFile?: string;
}

/**
 * Reads the default config and, when given, the user's `file` (YAML or JSON), checks both
 * against the schema and layers the user's on the default. Throws one ConfigError with every
 * problem found.
 */
export async function loadConfig(file?: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const problems = new Problems();
  const files = [resolve(options.defaultFile ?? DEFAULT_CONFIG_FILE), ...(file ? [resolve(file)] : [])];
  const sources: ConfigSource[] = [];
  const layers: ConfigLayer[] = [];
  for (const f of files) {
    const source = await ConfigSource.read(f);
    if (Array.isArray(source)) {
      problems.add(...source);
      continue;
    }
    sources.push(source);
    problems.addSource(source);
    const checked = joiCheck<CorralConfigFile>(configFileSchema, source.value, { file: f, path: [] }, problems);
    if (checked.ok) layers.push({ file: f, config: checked.value });
  }
  problems.throwIfAny();
  const config = layerConfigs(layers[0]!, layers[1], problems);
  problems.throwIfAny();
  return { config, sources };
}
