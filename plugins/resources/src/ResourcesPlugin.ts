import { builtinResources } from '@corral/core/api';
import type { CorralPlugin } from '@corral/core/kernel';

export const PLUGIN_NAME = 'ResourcesPlugin';

/**
 * Serves the object model's built-in kinds: registers every definition of `builtinResources`
 * (types, schemas, defaulting, validation) through the kernel's resource registration hook.
 * Applies in every role, since agents and clients need the kinds as much as the server.
 */
export const plugin: CorralPlugin<void> = {
  name: PLUGIN_NAME,
  apply(corral) {
    corral.hooks.registerResources.tap(PLUGIN_NAME, (registry) => {
      for (const definition of builtinResources) registry.add(definition);
    });
  },
};
