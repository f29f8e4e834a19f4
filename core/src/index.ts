// The public surface of @corral/core: every export is named here or in a folder's index.
export * from './api/index.js';
export * from './store/index.js';
export * from './kernel/index.js';
export * from './client/index.js';
export * from './scheduler/index.js';
export * from './server/index.js';
export * from './controllers/index.js';
export * from './proxy/index.js';
export * from './net/index.js';
export * from './components/index.js';
export * from './agent/index.js';
