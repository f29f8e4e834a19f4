// @corral/runtime-process: a pod's containers as host processes, in their own namespaces and
// cgroups as root (agent.runtime: process).
export { plugin, PLUGIN_NAME, type ProcessRuntimePluginOptions } from './ProcessRuntimePlugin.js';
export { ProcessRuntime, type ProcessRuntimeOptions } from './ProcessRuntime.js';
export { planHost, type HostFacts, type HostPlan, type Tools } from './host.js';
export { limitFiles, probeCgroups, type CgroupProbe } from './cgroups.js';
export { parseLogLine, logTimeMs, type LogLine } from './logs.js';
