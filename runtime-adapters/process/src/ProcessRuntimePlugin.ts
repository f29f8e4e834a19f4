import Joi from 'joi';
import type { CorralPlugin } from '@corral/core/kernel';
import { ProcessRuntime, type ProcessRuntimeOptions } from './ProcessRuntime.js';

export const PLUGIN_NAME = 'ProcessRuntimePlugin';

export type ProcessRuntimePluginOptions = Pick<ProcessRuntimeOptions, 'namespaces' | 'limits'>;

/** Offers the `process` runtime: `agent.runtime: process` in the config selects it. */
export const plugin: CorralPlugin<ProcessRuntimePluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['agent'],
  options: Joi.object<ProcessRuntimePluginOptions>({
    namespaces: Joi.string().valid('auto', 'off').default('auto'),
    limits: Joi.string().valid('auto', 'off').default('auto'),
  }),
  apply(corral, options) {
    corral.hooks.runtimeAdapter.for('process').tap(PLUGIN_NAME, (ctx) => new ProcessRuntime(ctx, options));
  },
};
