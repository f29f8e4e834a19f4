import { EmbeddedStore } from './embedded/EmbeddedStore.js';
import { invalidArgument } from './errors.js';
import type { Store, StoreConfig, StoredObject, StoredObjectLike } from './types.js';

/** Opens the backend the config file's `store:` section names. */
export async function openStore<T extends StoredObjectLike = StoredObject>(config: StoreConfig): Promise<Store<T>> {
  const c = config as Partial<{ embedded: unknown; etcd: unknown }> | undefined;
  if (c && c.embedded !== undefined && c.etcd !== undefined) {
    throw invalidArgument('store config: give either "embedded" or "etcd", not both');
  }
  if (c && 'embedded' in config) return EmbeddedStore.open<T>(config.embedded);
  // etcd's client (and gRPC under it) is loaded only by processes that use it: agents never do.
  if (c && 'etcd' in config) return (await import('./etcd/EtcdStore.js')).EtcdStore.open<T>(config.etcd);
  throw invalidArgument('store config: expected { embedded: { dir } } or { etcd: { endpoints: [...] } }');
}
