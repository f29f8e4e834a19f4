// Corral runtime adapter: containerd (or any CRI runtime) through the Kubernetes CRI v1 gRPC API
export { plugin, plugin as default, PLUGIN_NAME, RUNTIME_NAME, criRuntimeOptions } from './CriRuntimePlugin.js';
export type { CriRuntimePluginOptions } from './CriRuntimePlugin.js';
export { CriRuntime } from './CriRuntime.js';
export type { CriRuntimeOptions } from './CriRuntime.js';
export { CriClient, DEFAULT_ENDPOINT } from './cri/CriClient.js';
export { CriError, CriUnavailableError, CriUnimplementedError } from './cri/errors.js';
export { CriLogParser, utcTimestamp } from './logs/CriLogParser.js';
export type { LogLine } from './logs/CriLogParser.js';
