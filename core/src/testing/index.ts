// Helpers for tests and benchmarks: `@corral/core/testing`.
export { startEtcd, type EtcdProcess, type StartEtcdOptions } from './etcd.js';
export { startTestApiServer, type TestApiServer, type TestApiServerOptions } from './apiServer.js';
export { makeHollowNodes, makePods, InMemoryBinder, RecordingEvents, type HollowNodeOptions, type HollowPodOptions } from './hollow.js';
export { ManualClock } from './clock.js';
export { startTestControlPlane, type TestControlPlane, type TestControlPlaneOptions } from './controlPlane.js';
export { runtimeConformance, type RuntimeConformanceOptions, type RuntimeCapabilities } from './runtimeConformance.js';
export { HollowAgent, EXIT_CODE_ANNOTATION, RUN_MS_ANNOTATION, NODE_LEASE_NAMESPACE, type HollowAgentOptions } from './hollowAgent.js';
export { FakeRuntime, type FakeScript, type FakeContainer, type FakeSandbox, type FakeExecHandler } from './fakeRuntime.js';
export { waitFor } from './wait.js';
