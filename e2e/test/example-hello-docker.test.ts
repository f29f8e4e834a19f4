// examples/hello unchanged on the docker runtime: the same manifest runs in a busybox image
// (built locally from busybox-static into a dockerd of the test's own, nothing pulled).
import test from 'ava';
import { BUSYBOX_IMAGE, buildBusyboxImage, startDockerd } from '@corral/runtime-docker/testing';
import { exampleCluster } from './support/examples.js';
import { checkHello } from './support/hello.js';

test('examples/hello on the docker runtime, in a busybox image', async (t) => {
  t.timeout(5 * 60_000);
  const daemon = await startDockerd();
  t.teardown(() => daemon.stop());
  // The manifest's image, `busybox` (IfNotPresent), and the pause image.
  await buildBusyboxImage(daemon.docker, { tag: 'busybox:latest' });
  await buildBusyboxImage(daemon.docker);
  const cluster = await exampleCluster('hellod', {
    runtime: 'docker',
    runtimePlugin: ['  - name: "@corral/runtime-docker"', `    options: { socket: "${daemon.host}", pauseImage: "${BUSYBOX_IMAGE}", pauseCommand: [sleep, "2147483647"] }`],
  });
  t.teardown(() => cluster.stop());
  await checkHello(t, cluster, 'docker');
  t.is(await cluster.stop(), 0, cluster.output());
});
