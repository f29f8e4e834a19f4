// The controller manager: runs the kernel's registered controllers against the API.
export { ControllerManager, startControllerManager, CONTROLLER_MANAGER_LEASE } from './ControllerManager.js';
export type { ControllerManagerOptions } from './ControllerManager.js';
export { ApiEventRecorder, EVENT_DEDUP_WINDOW_MS, EVENTS } from './ApiEventRecorder.js';
export type { ApiEventRecorderOptions, EventRecorderStats } from './ApiEventRecorder.js';
export { SharedInformerSet } from './SharedInformerSet.js';
export type { SharedInformerSetOptions } from './SharedInformerSet.js';
export type { ControlPlaneLogger } from './logger.js';
