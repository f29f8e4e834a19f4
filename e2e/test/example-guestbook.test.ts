// examples/guestbook on the default `process` runtime: the host's redis-server and node run as
// pod processes, the frontend's code from its ConfigMap; an entry written through the NodePort
// is read back through another frontend pod, from a Redis slave.
import test from 'ava';
import { checkGuestbook, startGuestbookCluster } from './support/guestbook.js';
import { which } from './support/images.js';

test('the guestbook runs on the process runtime: written through one frontend pod, read back through another from a slave', async (t) => {
  await which('redis-server', 'redis-server');
  await which('redis-cli', 'redis-tools');
  const cluster = await startGuestbookCluster({
    runtime: 'process',
    runtimePlugin: ['  - name: "@corral/runtime-process"', '    options: { limits: "off" }'],
  });
  t.teardown(() => cluster.stop());
  await checkGuestbook(t, cluster);
});
