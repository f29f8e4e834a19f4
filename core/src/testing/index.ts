// Helpers for tests and benchmarks: `@corral/core/testing`.
export { startEtcd, type EtcdProcess, type StartEtcdOptions } from './etcd.js';
