// The scheduler: the scheduling cycle on the kernel's profile hooks. The algorithms are plugins
// (@corral/plugin-scheduling); this is the queue, the cache and the cycle that runs them.
export { Scheduler } from './Scheduler.js';
export { realClock, scheduledMessage, schedulerNameOf } from './types.js';
export type {
  Binder,
  Clock,
  CycleOutcome,
  SchedulerEvents,
  SchedulerLogger,
  SchedulerOptions,
  SchedulerSource,
  SchedulerStats,
} from './types.js';
export { SchedulerCache } from './cache/SchedulerCache.js';
export { HostPortSet } from './cache/HostPortSet.js';
export { keyOf as podKey, nodeInfo } from './cache/NodeInfoRecord.js';
export { SchedulingQueue } from './queue/SchedulingQueue.js';
export type { SchedulingQueueOptions } from './queue/SchedulingQueue.js';
export { QueuedPod } from './queue/QueuedPod.js';
export { fitErrorMessage, NO_NODES_MESSAGE, statusMessage } from './cycle/fit-error.js';
export { numFeasibleNodesToFind } from './cycle/sampling.js';
export { selectHost } from './cycle/schedule-pod.js';
export {
  controllerUid,
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  nodeAllocatable,
  parseResourceList,
  podResources,
  withNodeName,
} from './resources.js';
export type { HostPort, PodResources } from './resources.js';
export { ApiBinder, ApiScheduler, ApiSchedulerEvents, SCHEDULER_LEASE, startScheduler } from './api/index.js';
export type { ApiBinderOptions, ApiSchedulerEventsOptions, EventSinkOptions, StartSchedulerOptions } from './api/index.js';
