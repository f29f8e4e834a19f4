// examples/guestbook on the cri runtime, against a containerd of the test's own: the same
// manifests, with the images they name built here (busybox-static, redis-server, node and
// their libraries) and imported into containerd's k8s.io namespace, nothing pulled. Pods get
// their addresses from that containerd's CNI network.
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startContainerd } from '@corral/runtime-cri/testing';
import { checkGuestbook, GUESTBOOK_IMAGES, startGuestbookCluster } from './support/guestbook.js';
import { importIntoContainerd, which } from './support/images.js';

const run = promisify(execFile);

test('the guestbook runs on the cri runtime with images built locally', async (t) => {
  const containerd = await startContainerd();
  t.teardown(async () => {
    const leftover = await containerd.stop();
    if (leftover.length > 0) throw new Error(`shims outlived their pods and were killed: ${leftover.join(', ')}`);
  });
  await importIntoContainerd(containerd.socket, containerd.snapshotter, GUESTBOOK_IMAGES.redis);
  await importIntoContainerd(containerd.socket, containerd.snapshotter, GUESTBOOK_IMAGES.frontend);
  const cluster = await startGuestbookCluster({
    runtime: 'cri',
    runtimePlugin: ['  - name: "@corral/runtime-cri"', `    options: { endpoint: "${containerd.endpoint}", cgroupParent: "${containerd.cgroupParent}" }`],
  });
  t.teardown(() => cluster.stop());
  const ctr = await which('ctr', 'containerd');
  await checkGuestbook(t, cluster, async (pods) => {
    // Each pod's container runs in this containerd, from the image built here.
    for (const [image, group] of [[GUESTBOOK_IMAGES.redis.name, [...pods['redis-master'], ...pods['redis-slave']]], [GUESTBOOK_IMAGES.frontend.name, pods.frontend]] as const) {
      for (const pod of group) {
        const id = pod.status!.containerStatuses![0]!.containerID!.replace('cri://', '');
        const { stdout } = await run(ctr, ['-a', containerd.socket, '-n', 'k8s.io', 'containers', 'info', id], { maxBuffer: 16 << 20 });
        t.is((JSON.parse(stdout) as { Image: string }).Image, image, `${pod.metadata.name}'s container`);
      }
    }
  });
});
