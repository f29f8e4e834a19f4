import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { endpointsController } from './EndpointsController.js';

export const PLUGIN_NAME = 'EndpointsPlugin';

export interface EndpointsPluginOptions {
  /** Every Service is synced again this often, in seconds; 0 turns the safety net off. */
  resyncSeconds: number;
  /** Services synced at once. */
  workers: number;
}

/** Registers the endpoints controller (Service selectors to Pod addresses). */
export const plugin: CorralPlugin<EndpointsPluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  options: Joi.object<EndpointsPluginOptions>({
    resyncSeconds: Joi.number().min(0).default(0),
    workers: Joi.number().integer().min(1).max(64).default(2),
  }),
  apply(corral, options) {
    corral.hooks.registerControllers.tap(PLUGIN_NAME, (registry) => {
      const endpointsResource = corral.resources.forKind('v1', 'Endpoints');
      // A config that serves no Endpoints kind has nothing for this controller to do.
      if (!endpointsResource) return;
      registry.add(endpointsController({ endpointsResource, resyncMs: options.resyncSeconds * 1000, workers: options.workers }));
    });
  },
};
