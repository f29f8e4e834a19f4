// examples/guestbook on the docker runtime, against a dockerd of the test's own: the same
// manifests, with the images they name built here (busybox-static, redis-server, node and
// their libraries) and imported, nothing pulled.
import test from 'ava';
import { BUSYBOX_IMAGE, buildBusyboxImage, startDockerd } from '@corral/runtime-docker/testing';
import { checkGuestbook, GUESTBOOK_IMAGES, startGuestbookCluster } from './support/guestbook.js';
import { importIntoDocker } from './support/images.js';

test('the guestbook runs on the docker runtime with images built locally', async (t) => {
  const daemon = await startDockerd();
  t.teardown(() => daemon.stop());
  await buildBusyboxImage(daemon.docker);
  await importIntoDocker(daemon, GUESTBOOK_IMAGES.redis);
  await importIntoDocker(daemon, GUESTBOOK_IMAGES.frontend);
  const cluster = await startGuestbookCluster({
    runtime: 'docker',
    runtimePlugin: [
      '  - name: "@corral/runtime-docker"',
      `    options: { socket: "${daemon.host}", pauseImage: "${BUSYBOX_IMAGE}", pauseCommand: [sleep, "2147483647"] }`,
    ],
  });
  t.teardown(() => cluster.stop());
  await checkGuestbook(t, cluster, async (pods) => {
    // Each pod's container runs in this daemon, from the image built here.
    for (const [image, group] of [[GUESTBOOK_IMAGES.redis.name, [...pods['redis-master'], ...pods['redis-slave']]], [GUESTBOOK_IMAGES.frontend.name, pods.frontend]] as const) {
      for (const pod of group) {
        const id = pod.status!.containerStatuses![0]!.containerID!.replace('docker://', '');
        const info = await daemon.docker.getContainer(id).inspect();
        t.is(info.Config.Image, image, `${pod.metadata.name}'s container`);
        t.true(info.State.Running);
      }
    }
  });
});
