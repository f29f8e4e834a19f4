import { scheduleError, schedulerHandle, type SchedulerPluginFactory } from '@corral/core/kernel';
import * as names from './names.js';

/** Writes the binding through the scheduler's Binder (the API's pods/binding). */
export const DefaultBinder: SchedulerPluginFactory<void> = {
  name: names.DefaultBinder,
  create: () => ({
    async bind(pod, nodeName, state) {
      try {
        await schedulerHandle(state).bind(pod, nodeName);
        return { code: 'Success' };
      } catch (err) {
        return scheduleError(names.DefaultBinder, err instanceof Error ? err.message : String(err));
      }
    },
  }),
};
