// Helpers for tests and benchmarks: `@corral/core/testing`.
export { startEtcd, type EtcdProcess, type StartEtcdOptions } from './etcd.js';
export { startTestApiServer, type TestApiServer, type TestApiServerOptions } from './apiServer.js';
export { makeHollowNodes, makePods, InMemoryBinder, RecordingEvents, type HollowNodeOptions, type HollowPodOptions } from './hollow.js';
export { ManualClock } from './clock.js';
