import test from 'ava';
import { runtimeConformance } from '@corral/core/testing';
import { CriRuntime } from '../src/index.js';
import { startContainerd, type ContainerdProcess } from '../src/testing/index.js';

// The shared runtime contract suite, against a private containerd through CRI.

// ava runs before hooks concurrently: the suite's own hook waits on this one start.
let starting: Promise<ContainerdProcess> | undefined;
const containerd = (): Promise<ContainerdProcess> => (starting ??= startContainerd());

test.before(async () => {
  await containerd();
});

runtimeConformance(test, {
  name: 'cri',
  image: 'corral.test/busybox:latest',
  create: async () => {
    const daemon = await containerd();
    return new CriRuntime({ endpoint: daemon.endpoint, nodeName: 'conformance-node', cgroupParent: daemon.cgroupParent });
  },
  after: async () => {
    const leftover = starting ? await (await starting).stop() : [];
    if (leftover.length > 0) throw new Error(`containerd shims outlived their pods and were killed: ${leftover.join(', ')}`);
  },
});
