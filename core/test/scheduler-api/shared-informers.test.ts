// The scheduler on informers it does not own (the controller manager's, in `corral server`):
// it binds from them, leaves them running when it stops, and a scheduler started on warm
// informers learns the cluster from their caches (nodes before pods).
import test from 'ava';
import { ApiClient, SharedInformerSet, startScheduler, type Pod } from '../../src/index.js';
import { startTestControlPlane, type TestControlPlane } from '../../src/testing/index.js';
import { createAll, getPod, newPods, until } from './helpers.js';

const PODS = { apiVersion: 'v1', kind: 'Pod' } as const;
const NODES = { apiVersion: 'v1', kind: 'Node' } as const;
let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ controllers: false, scheduler: false, hollow: { nodes: 2, leases: false, runPods: false } });
});
test.after.always(async () => {
  await cp?.stop();
});

test.serial('a scheduler on shared informers binds pods, and its stop leaves the informers running for the next one', async (t) => {
  const client = new ApiClient({ server: cp.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const informers = new SharedInformerSet({ client, resources: cp.corral.resources });
  t.teardown(async () => {
    await informers.stop();
    client.close();
  });
  const first = await startScheduler({ corral: cp.corral, client, informers, events: false });
  await createAll(cp.client, newPods(3, { prefix: 'shared-a-' }));
  await until('the first pods bound', async () => (await Promise.all([0, 1, 2].map((i) => getPod(cp.client, `shared-a-${i}`)))).every((p) => p.spec.nodeName));
  t.is(first.scheduler!.stats().bound, 3);
  await first.stop();

  const pods = informers.informer<Pod>(PODS);
  t.false(pods.stopped, 'stopping the scheduler must not stop an informer it does not own');
  t.is(informers.informer(NODES).cache.size, 2);
  await until('the informer to see the bindings', () => pods.cache.list().filter((p) => p.spec.nodeName).length === 3);

  // Created while no scheduler runs: the second one finds them in the warm cache.
  await createAll(cp.client, newPods(2, { prefix: 'shared-b-' }));
  await until('the pending pods cached', () => pods.cache.size === 5);
  const second = await startScheduler({ corral: cp.corral, client, informers, events: false });
  try {
    await until('the pending pods bound', async () => (await Promise.all([0, 1].map((i) => getPod(cp.client, `shared-b-${i}`)))).every((p) => p.spec.nodeName));
    t.is(second.scheduler!.cache.nodeList().length, 2, 'nodes replayed from the cache');
    t.is(second.scheduler!.stats().bound, 2, 'pods bound before it started are not bound again');
  } finally {
    await second.stop();
  }
});

test.serial('a scheduler on its own informers stops them with itself', async (t) => {
  const client = new ApiClient({ server: cp.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  t.teardown(() => client.close());
  const scheduler = await startScheduler({ corral: cp.corral, client, events: false });
  await createAll(cp.client, newPods(1, { prefix: 'own-' }));
  await until('the pod bound', async () => Boolean((await getPod(cp.client, 'own-0')).spec.nodeName));
  t.is(scheduler.scheduler!.stats().bound, 1);
  await scheduler.stop();
  t.is(scheduler.scheduler, undefined);
});
