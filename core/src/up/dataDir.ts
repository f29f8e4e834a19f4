import { resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../kernel/config/load.js';

/**
 * The embedded store's directory `corral up` will use, as the server resolves it (--data-dir,
 * the config's server.dataDir, its store.embedded.dir), or undefined on etcd.
 */
export function upDataDir(argv: { 'data-dir'?: string }, loaded: LoadedConfig): string | undefined {
  const { config } = loaded;
  const dir = argv['data-dir'] ?? config.server.dataDir ?? (config.store && 'embedded' in config.store ? config.store.embedded.dir : undefined);
  return dir === undefined ? undefined : resolve(dir);
}

export { loadConfig };
