// The scheduler wired to the API server.
export { ApiScheduler, startScheduler, SCHEDULER_LEASE } from './startScheduler.js';
export type { StartSchedulerOptions } from './startScheduler.js';
export { ApiBinder } from './ApiBinder.js';
export type { ApiBinderOptions } from './ApiBinder.js';
export { ApiSchedulerEvents } from './ApiSchedulerEvents.js';
export type { ApiSchedulerEventsOptions, EventSinkOptions } from './ApiSchedulerEvents.js';
