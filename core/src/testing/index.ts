// Helpers for tests and benchmarks: `@corral/core/testing`.
export { startEtcd, type EtcdProcess, type StartEtcdOptions } from './etcd.js';
export { startTestApiServer, type TestApiServer, type TestApiServerOptions } from './apiServer.js';
