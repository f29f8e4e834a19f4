// @corral/plugin-gc: garbage collection through ownerReferences (Background, Foreground, Orphan).
export { plugin, PLUGIN_NAME } from './GarbageCollectorPlugin.js';
export type { GarbageCollectorPluginOptions } from './GarbageCollectorPlugin.js';
export { GarbageCollector, INVALID_NAMESPACE_REASON } from './GarbageCollector.js';
export type { CollectorOptions } from './GarbageCollector.js';
export { KindTable } from './KindTable.js';
export type { GcKind } from './KindTable.js';
export { dependentsOf, keysFor, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './graph.js';
export type { Dependent } from './graph.js';
export { classifyOwners } from './owners.js';
export type { OwnerClasses } from './owners.js';
