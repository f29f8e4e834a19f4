// The pieces together, as a controller uses them: two informers feed one queue, sync reads the
// caches, expectations stop a lagging cache from causing a second create. The controller keeps
// a copy `<name>-copy` of each ConfigMap labelled mirror=yes.
import test from 'ava';
import type { ConfigMap } from '../../../src/api/types.js';
import { ApiClient } from '../../../src/client/ApiClient.js';
import { Expectations } from '../../../src/client/informer/Expectations.js';
import { informerFor } from '../../../src/client/informer/Informer.js';
import { cacheKey, ownerUidIndex, splitKey } from '../../../src/client/informer/ObjectCache.js';
import { controllerRefOf, newControllerRef } from '../../../src/client/informer/ownerRefs.js';
import { runController } from '../../../src/client/informer/runController.js';
import { WorkQueue } from '../../../src/client/informer/WorkQueue.js';
import { startTestApiServer } from '../../../src/testing/index.js';
import { cm, eventually } from './helpers.js';

test('a mirror controller creates one copy per source, keeps it in step, and never creates twice', async (t) => {
  const server = await startTestApiServer({ backend: 'embedded' });
  const client = new ApiClient({ server: server.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const ns = 'mirror';
  await client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

  const sources = informerFor<ConfigMap>(client, 'configmaps', { namespace: ns, labelSelector: 'mirror=yes' });
  const copies = informerFor<ConfigMap>(client, 'configmaps', { namespace: ns, labelSelector: 'copy=yes', indexers: { owner: ownerUidIndex } });
  const queue = new WorkQueue();
  const expectations = new Expectations();
  let creates = 0;
  const ownerKey = (copy: ConfigMap): string | undefined => {
    const ref = controllerRefOf(copy);
    return ref?.kind === 'ConfigMap' ? `${copy.metadata.namespace}/${ref.name}` : undefined;
  };
  sources.onAdd((o) => queue.add(cacheKey(o)));
  sources.onUpdate((_, o) => queue.add(cacheKey(o)));
  copies.onAdd((o) => {
    const key = ownerKey(o);
    if (!key) return;
    expectations.creationObserved(key);
    queue.add(key);
  });
  copies.onUpdate((_, o) => {
    const key = ownerKey(o);
    if (key) queue.add(key);
  });

  const sync = async (key: string): Promise<void> => {
    const source = sources.cache.get(key);
    if (!source || !expectations.satisfied(key)) return;
    const [copy] = copies.cache.byIndex('owner', source.metadata.uid!);
    if (!copy) {
      expectations.expectCreations(key, 1);
      creates++;
      const { namespace, name } = splitKey(key);
      const ref = newControllerRef(source, { apiVersion: 'v1', kind: 'ConfigMap' });
      try {
        const copy = cm(`${name}-copy`, namespace, { ...source.data }, { copy: 'yes' });
        copy.metadata.ownerReferences = [ref];
        await client.create('configmaps', copy);
      } catch (err) {
        expectations.creationObserved(key); // it will never be seen
        throw err;
      }
    } else if (JSON.stringify(copy.data) !== JSON.stringify(source.data)) {
      await client.update('configmaps', { ...copy, data: { ...source.data } }); // a copy: cache objects are shared
    }
  };
  const running = runController({ name: 'mirror', queue, workers: 3, sync });
  t.teardown(async () => {
    await queue.shutDown();
    await running;
    await sources.stop();
    await copies.stop();
    client.close();
    await server.close();
  });
  sources.start();
  copies.start();
  t.true(await sources.waitForSync());
  t.true(await copies.waitForSync());

  await client.create('configmaps', cm('one', ns, { v: '1' }, { mirror: 'yes' }));
  await client.create('configmaps', cm('two', ns, { v: '2' }, { mirror: 'yes' }));
  await client.create('configmaps', cm('skip', ns, { v: '3' }));
  // Extra syncs are harmless: level-triggered, and expectations cover the lagging cache.
  for (let i = 0; i < 20; i++) queue.add(`${ns}/one`);
  await eventually(() => copies.cache.size === 2, 'two copies');
  t.is(creates, 2);
  t.deepEqual(copies.cache.get(`${ns}/one-copy`)!.data, { v: '1' });

  await client.patch('configmaps', 'one', { data: { v: 'changed' } }, 'merge', { namespace: ns });
  await eventually(() => copies.cache.get(`${ns}/one-copy`)?.data?.v === 'changed', 'the copy to follow');
  for (let i = 0; i < 10; i++) queue.add(`${ns}/two`);
  await new Promise((r) => setTimeout(r, 100));
  t.is(creates, 2, 'never a second create');
  t.deepEqual((await client.list('configmaps', { namespace: ns, labelSelector: 'copy=yes' })).items.map((o) => o.metadata.name).sort(), ['one-copy', 'two-copy']);
});
