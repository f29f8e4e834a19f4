// Controller machinery in the shape of client-go: informers and their cache, the work queue,
// expectations, owner references, the worker loop. (Their Clock is structurally the scheduler's.)
export { Informer, informerFor, listerWatcherFor } from './Informer.js';
export type { DeleteHandler, InformerOptions, InformerWatch, ListerWatcher, Selection } from './Informer.js';
export { ObjectCache, cacheKey, splitKey, namespaceIndex, ownerUidIndex, nodeNameIndex } from './ObjectCache.js';
export type { IndexFunc, Indexers } from './ObjectCache.js';
export { WorkQueue } from './WorkQueue.js';
export type { WorkQueueOptions } from './WorkQueue.js';
export { defaultControllerRateLimiter, ExponentialFailureRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter } from './rateLimiters.js';
export type { RateLimiter } from './rateLimiters.js';
export { Expectations, EXPECTATIONS_TTL_MS } from './Expectations.js';
export { controllerRefOf, isControlledBy, newControllerRef } from './ownerRefs.js';
export { runController } from './runController.js';
export type { ControllerOptions, SyncResult } from './runController.js';
