// Corral plugin: garbage collection through ownerReferences (Background, Foreground, Orphan)
export {};
