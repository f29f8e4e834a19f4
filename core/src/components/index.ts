// Plugins' long-lived components (registerComponents), started per process.
export { startComponents } from './startComponents.js';
export type { RunningComponents, StartComponentsOptions } from './startComponents.js';
