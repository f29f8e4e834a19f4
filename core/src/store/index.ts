export type {
  EmbeddedStoreConfig,
  EtcdStoreConfig,
  ListOptions,
  ListResult,
  Preconditions,
  Store,
  StoreConfig,
  StoredObject,
  StoredObjectLike,
  StoredObjectMeta,
  Watch,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from './types.js';
export { StoreError, isStoreError, type StoreErrorCode, type StoreErrorDetails } from './errors.js';
export { objectKey, prefixKey, REGISTRY_ROOT } from './keys.js';
export { openStore } from './openStore.js';
export { EmbeddedStore } from './embedded/EmbeddedStore.js';
export type { EtcdStore } from './etcd/EtcdStore.js';
