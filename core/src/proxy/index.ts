// The service proxy: Services + Endpoints -> the desired table -> the data path plugin.
export { startProxy } from './ProxyLoop.js';
export type { ProxyOptions, RunningProxy } from './ProxyLoop.js';
export { buildServiceTable, serviceEntry, DEFAULT_AFFINITY_TIMEOUT_SECONDS } from './table.js';
export { servicePortKey, tableChanges } from './changes.js';
export type { ServiceTableChanges } from '../kernel/contracts/proxy.js';
export { TableBuilder } from './TableBuilder.js';
