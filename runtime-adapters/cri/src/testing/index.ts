// Helpers for tests and end-to-end scenarios: `@corral/runtime-cri/testing`.
export { startContainerd, type ContainerdProcess, type StartContainerdOptions } from './containerd.js';
export { BUSYBOX_IMAGE, buildBusyboxArchive, importImage } from './busyboxImage.js';
export { shimsOf, mountsUnder } from './hostCleanup.js';
