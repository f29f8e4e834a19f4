// Helpers for tests that need a real Docker daemon: `@corral/runtime-docker/testing`.
export { startDockerd, type DockerdProcess, type StartDockerdOptions } from './dockerd.js';
export { buildBusyboxImage, BUSYBOX_IMAGE, type BusyboxImageOptions } from './busyboxImage.js';
