import { dns1123SubdomainProblems } from '@corral/core/api';
import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { serviceAccountsController } from './ServiceAccountsController.js';

export const PLUGIN_NAME = 'ServiceAccountsPlugin';

export interface ServiceAccountsPluginOptions {
  /** The ServiceAccounts made in every namespace. */
  names: string[];
  /** Namespaces synced at once. */
  workers: number;
}

const accountName = Joi.string()
  .custom((name: string, helpers) => (dns1123SubdomainProblems(name).length === 0 ? name : helpers.error('accountName.invalid')))
  .messages({ 'accountName.invalid': "must be a ServiceAccount name: a DNS-1123 subdomain such as 'build-bot'" });

/** Registers the service account controller: a `default` ServiceAccount in every namespace. */
export const plugin: CorralPlugin<ServiceAccountsPluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  options: Joi.object<ServiceAccountsPluginOptions>({
    names: Joi.array().items(accountName).min(1).unique().default(['default']),
    workers: Joi.number().integer().min(1).max(64).default(1),
  }),
  apply(corral, options) {
    corral.hooks.registerControllers.tap(PLUGIN_NAME, (registry) => {
      const serviceAccountResource = corral.resources.forKind('v1', 'ServiceAccount');
      // A config that serves no ServiceAccount kind has nothing for this controller to do.
      if (!serviceAccountResource) return;
      registry.add(serviceAccountsController({ serviceAccountResource, names: options.names, workers: options.workers }));
    });
  },
};
