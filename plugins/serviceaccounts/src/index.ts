// @corral/plugin-serviceaccounts: the ServiceAccount controller (a `default` ServiceAccount in
// every namespace that is not being deleted).
export { plugin, PLUGIN_NAME } from './ServiceAccountsPlugin.js';
export type { ServiceAccountsPluginOptions } from './ServiceAccountsPlugin.js';
export { isTerminating, serviceAccountsController, syncServiceAccounts, NAMESPACE_KIND, SERVICE_ACCOUNT_KIND } from './ServiceAccountsController.js';
export type { ServiceAccountsControllerOptions } from './ServiceAccountsController.js';
