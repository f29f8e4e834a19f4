// @corral/network-iptables: the `iptables` service data path (DNAT chains, iptables-restore).
export { plugin, PLUGIN_NAME, DATA_PATH } from './IptablesPlugin.js';
export type { IptablesPluginOptions } from './IptablesPlugin.js';
export { IptablesProxy } from './IptablesProxy.js';
export type { IptablesOptions } from './IptablesProxy.js';
export { renderRules, RenderCache, chainNames, MASQ_MARK } from './rules.js';
export type { Chains, Rendered, RenderOptions, ServiceRules, Table } from './rules.js';
export { restorePlan, MAX_CHAINS_PER_PART } from './restore.js';
export type { RestorePlan } from './restore.js';
