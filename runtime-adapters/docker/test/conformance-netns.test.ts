import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { runtimeConformance } from '@corral/core/testing';
import { DockerRuntime } from '../src/index.js';
import { BUSYBOX_IMAGE, buildBusyboxImage, startDockerd, type DockerdProcess } from '../src/testing/index.js';

// The shared runtime contract the way the agent drives Docker with a pod network: the network
// prepares each pod's namespace first, the sandbox joins it, and the pause image is bare.

const PAUSE = 'corral-test/pause:1';
const namespaces: string[] = [];
let daemon: DockerdProcess | undefined;
const ready = (async () => {
  daemon = await startDockerd();
  await buildBusyboxImage(daemon.docker);
  await buildBusyboxImage(daemon.docker, { tag: PAUSE, applets: ['sleep'] });
  return daemon;
})();
ready.catch(() => undefined);

runtimeConformance(test, {
  name: 'docker (given netns)',
  image: BUSYBOX_IMAGE,
  async create() {
    const { host } = await ready;
    return new DockerRuntime({ socket: host, pauseImage: PAUSE, pauseCommand: ['sleep', '2147483647'] });
  },
  sandboxConfig(config) {
    // What a pod network adapter hands over: a namespace of its own, loopback up.
    const netns = `corral-dkc-${randomBytes(4).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', netns]);
    namespaces.push(netns);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    return { ...config, netnsPath: `/run/netns/${netns}` };
  },
  async after() {
    await daemon?.stop();
    for (const netns of namespaces) execFileSync('ip', ['netns', 'del', netns]);
  },
});
