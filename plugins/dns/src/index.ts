// @corral/plugin-dns: cluster DNS (A, AAAA, SRV, CNAME for Services, endpoints and pods).
export { plugin, PLUGIN_NAME } from './DnsPlugin.js';
export type { DnsPluginOptions } from './DnsPlugin.js';
export { DnsServer } from './DnsServer.js';
export type { DnsServerOptions } from './DnsServer.js';
export { answer, TTL_SECONDS } from './records.js';
export type { ClusterView } from './records.js';
export { publishDnsService, DnsServiceKeeper, DNS_SERVICE } from './publish.js';
export type { DnsServiceKeeperOptions } from './publish.js';
export { parseQuery, parseResponse, writeQuery, writeResponse, TYPE, RCODE, WireError } from './wire.js';
