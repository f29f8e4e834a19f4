import test from 'ava';
import { runtimeConformance } from '@corral/core/testing';
import { DockerRuntime } from '../src/index.js';
import { BUSYBOX_IMAGE, buildBusyboxImage, startDockerd, type DockerdProcess } from '../src/testing/index.js';

// The shared runtime contract, on a private dockerd with a locally built busybox image.

let daemon: DockerdProcess | undefined;
// Hooks run concurrently: the suite's own before hook waits for this through create().
const ready = (async () => {
  daemon = await startDockerd();
  await buildBusyboxImage(daemon.docker);
  return daemon;
})();
ready.catch(() => undefined);

runtimeConformance(test, {
  name: 'docker',
  image: BUSYBOX_IMAGE,
  async create() {
    const { host } = await ready;
    return new DockerRuntime({ socket: host, pauseImage: BUSYBOX_IMAGE, pauseCommand: ['sleep', '2147483647'] });
  },
  async after() {
    await daemon?.stop();
  },
});
