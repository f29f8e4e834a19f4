import type { QueuedPodInfo, SchedulerPluginFactory } from '@corral/core/kernel';
import * as names from './names.js';

/** Higher spec.priority first; equal priorities in the order they entered the queue. */
export const PrioritySort: SchedulerPluginFactory<void> = {
  name: names.PrioritySort,
  create: () => ({
    less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
      const pa = a.pod.spec.priority ?? 0;
      const pb = b.pod.spec.priority ?? 0;
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  }),
};
