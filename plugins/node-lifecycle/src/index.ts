// Corral plugin: node heartbeats, NotReady taints and eviction of a lost node's Pods
export {};
