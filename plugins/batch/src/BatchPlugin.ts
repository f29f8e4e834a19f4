import type { CorralPlugin } from '@corral/core/kernel';
import { cronJobController } from './cronjob/CronJobController.js';
import { jobController } from './job/JobController.js';
import { batchOptionsSchema, type BatchOptions } from './options.js';

export const PLUGIN_NAME = 'BatchPlugin';

/** Registers the Job and CronJob controllers (batch/v1). */
export const plugin: CorralPlugin<BatchOptions> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  options: batchOptionsSchema,
  apply(corral, options) {
    corral.hooks.registerControllers.tap(PLUGIN_NAME, (registry) => {
      registry.add(jobController({ podBackoff: options.podFailureBackoff }));
      registry.add(cronJobController());
    });
  },
};
