// Informers against a real API server (embedded store): the cache follows the server, handlers
// see each change once, and a watch that cannot resume (history compacted) relists and delivers
// what it missed, deletes included.
import anyTest, { type TestFn } from 'ava';
import type { ApiObject, ConfigMap } from '../../../src/api/types.js';
import { ApiClient } from '../../../src/client/ApiClient.js';
import { Informer, informerFor, listerWatcherFor, type InformerWatch, type ListerWatcher } from '../../../src/client/informer/Informer.js';
import { namespaceIndex } from '../../../src/client/informer/ObjectCache.js';
import type { ApiWatchEvent } from '../../../src/client/watch.js';
import { startTestApiServer, type TestApiServer } from '../../../src/testing/index.js';
import { cm, eventually } from './helpers.js';

const test = anyTest as TestFn<{ server: TestApiServer; client: ApiClient }>;

test.before(async (t) => {
  const server = await startTestApiServer({ backend: 'embedded' });
  t.context = { server, client: new ApiClient({ server: server.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] }) };
});
test.after.always(async (t) => {
  t.context.client?.close();
  await t.context.server?.close();
});

let counter = 0;
async function namespace(client: ApiClient): Promise<string> {
  const name = `inf-${process.pid}-${++counter}`;
  await client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

function record<T extends ApiObject>(informer: Informer<T>): string[] {
  const seen: string[] = [];
  informer.onAdd((o) => seen.push(`add ${o.metadata.name}`));
  informer.onUpdate((old, o) => seen.push(`update ${o.metadata.name} ${old.metadata.resourceVersion}->${o.metadata.resourceVersion}`));
  informer.onDelete((o, unknown) => seen.push(`delete ${o.metadata.name}${unknown ? ' (tombstone)' : ''}`));
  return seen;
}

const names = (items: ApiObject[]): string[] => items.map((o) => o.metadata.name!).sort();

// Serial and first: compaction drops history for every watcher of this server.
test.serial('after compaction, the relist delivers what was missed: a delete (tombstone), an update, an add', async (t) => {
  const { client, server } = t.context;
  const ns = await namespace(client);
  await client.create('configmaps', cm('stays', ns));
  await client.create('configmaps', cm('goes', ns));
  // The real list/watch behind a switch: "disconnect" stops the watch and holds back the next one.
  const real = listerWatcherFor<ConfigMap>(client, 'configmaps', { namespace: ns });
  let gate: Promise<void> | undefined;
  let current: InformerWatch<ConfigMap> | undefined;
  const watchesFrom: string[] = [];
  const gated: ListerWatcher<ConfigMap> = {
    list: (signal) => real.list(signal),
    watch: (rv) => {
      watchesFrom.push(rv);
      let inner: InformerWatch<ConfigMap> | undefined;
      let stopped = false;
      const w: InformerWatch<ConfigMap> = {
        get resourceVersion() {
          return inner?.resourceVersion ?? rv;
        },
        stop() {
          stopped = true;
          inner?.stop();
        },
        async *[Symbol.asyncIterator](): AsyncGenerator<ApiWatchEvent<ConfigMap>> {
          await gate;
          if (stopped) return;
          inner = real.watch(rv);
          yield* inner;
        },
      };
      return (current = w);
    },
  };
  const informer = new Informer(gated);
  const seen = record(informer);
  t.teardown(() => informer.stop());
  informer.start();
  t.true(await informer.waitForSync());
  t.deepEqual(seen.sort(), ['add goes', 'add stays']);
  seen.length = 0;

  let release!: () => void;
  gate = new Promise((r) => (release = r));
  current!.stop();
  await eventually(() => watchesFrom.length === 2, 'the informer to open a new (held) watch');
  const before = informer.cache.get(`${ns}/stays`)!.metadata.resourceVersion;
  await client.delete('configmaps', 'goes', { namespace: ns });
  const updated = await client.update('configmaps', { ...cm('stays', ns, { k: 'v2' }), metadata: { ...cm('stays', ns).metadata, resourceVersion: before } });
  await client.create('configmaps', cm('new', ns));
  await server.store.compact(await server.store.currentRevision());
  release();

  await eventually(() => seen.length === 3, 'three events after the relist');
  t.deepEqual(seen.sort(), ['add new', 'delete goes (tombstone)', `update stays ${before}->${updated.metadata.resourceVersion}`]);
  t.deepEqual(names(informer.cache.list()), ['new', 'stays']);
  t.is((informer.cache.get(`${ns}/stays`)!.data as Record<string, string>).k, 'v2');
  t.true(watchesFrom.length >= 3, 'watched again after the relist');
});

test('the cache follows creates, updates and deletes; handlers see each once', async (t) => {
  const { client } = t.context;
  const ns = await namespace(client);
  await client.create('configmaps', cm('before', ns));
  const informer = informerFor<ConfigMap>(client, 'configmaps', { namespace: ns, indexers: { namespace: namespaceIndex } });
  const seen = record(informer);
  t.false(informer.hasSynced());
  t.teardown(() => informer.stop());
  t.true(await informer.start().waitForSync());
  t.true(informer.hasSynced());
  t.deepEqual(seen, ['add before']);

  const a = await client.create('configmaps', cm('a', ns));
  await eventually(() => informer.cache.get(`${ns}/a`) !== undefined, 'a in the cache');
  const a2 = await client.update('configmaps', { ...a, data: { k: 'changed' } });
  await eventually(() => informer.cache.get(`${ns}/a`)?.metadata.resourceVersion === a2.metadata.resourceVersion, 'a updated');
  t.is(informer.cache.get(`${ns}/a`)!.data!.k, 'changed');
  await client.delete('configmaps', 'before', { namespace: ns });
  await eventually(() => informer.cache.get(`${ns}/before`) === undefined, 'before gone');
  t.deepEqual(seen, ['add before', 'add a', `update a ${a.metadata.resourceVersion}->${a2.metadata.resourceVersion}`, 'delete before']);
  t.deepEqual(names(informer.cache.byIndex('namespace', ns)), ['a']);
  t.deepEqual(informer.cache.byIndex('namespace', 'elsewhere'), []);
  t.throws(() => informer.cache.byIndex('nodeName', 'x'), { message: /no indexer named "nodeName"/ });
});

test('two informers (all namespaces, one namespace with a label selector) agree on what they share', async (t) => {
  const { client } = t.context;
  const ns = await namespace(client);
  const all = informerFor<ConfigMap>(client, 'configmaps', { pageSize: 2 });
  const labelled = informerFor<ConfigMap>(client, 'configmaps', { namespace: ns, labelSelector: 'team=blue' });
  t.teardown(() => all.stop());
  t.teardown(() => labelled.stop());
  t.true(await all.start().waitForSync());
  t.true(await labelled.start().waitForSync());
  for (let i = 0; i < 6; i++) await client.create('configmaps', cm(`c${i}`, ns, { i: `${i}` }, { team: i % 2 ? 'blue' : 'red' }));
  await client.patch('configmaps', 'c0', { metadata: { labels: { team: 'blue' } } }, 'merge', { namespace: ns });
  await client.patch('configmaps', 'c1', { metadata: { labels: { team: 'red' } } }, 'merge', { namespace: ns });
  await client.delete('configmaps', 'c3', { namespace: ns });
  const expected = ['c0', 'c5'];
  await eventually(() => names(labelled.cache.list()).join() === expected.join(), 'the labelled informer to settle');
  await eventually(() => all.cache.list().filter((o) => o.metadata.namespace === ns).length === 5, 'the all-namespaces informer to settle');
  await eventually(() => all.cache.get(`${ns}/c1`)?.metadata.labels?.team === 'red', 'the all-namespaces informer to see the last patch');
  const fromAll = all.cache.list().filter((o) => o.metadata.namespace === ns && o.metadata.labels?.team === 'blue');
  t.deepEqual(names(fromAll), expected);
  for (const obj of labelled.cache.list()) t.deepEqual(all.cache.get(`${ns}/${obj.metadata.name}`), obj);
});

test('a late handler first sees the cached objects as adds; a throwing handler does not stop the others', async (t) => {
  const { client } = t.context;
  const ns = await namespace(client);
  await client.create('configmaps', cm('x', ns));
  const errors: unknown[] = [];
  const informer = informerFor<ConfigMap>(client, 'configmaps', { namespace: ns, onError: (e) => errors.push(e) });
  t.teardown(() => informer.stop());
  t.true(await informer.start().waitForSync());
  informer.onAdd(() => {
    throw new Error('bad handler');
  });
  const seen = record(informer);
  t.deepEqual(seen, ['add x']);
  await client.create('configmaps', cm('y', ns));
  await eventually(() => seen.length === 2, 'y added');
  t.deepEqual(seen, ['add x', 'add y']);
  t.is(errors.length, 2);
});

test('a failing list is retried with backoff; stop ends it and waitForSync answers false', async (t) => {
  let calls = 0;
  const failing: ListerWatcher<ConfigMap> = {
    list: async () => {
      calls++;
      throw new Error('connection refused');
    },
    watch: () => {
      throw new Error('unreachable');
    },
  };
  const errors: unknown[] = [];
  const informer = new Informer(failing, { backoff: { initialMs: 5, maxMs: 20 }, onError: (e) => errors.push(e) }).start();
  const synced = informer.waitForSync();
  await eventually(() => calls >= 4, 'a few retries');
  await informer.stop();
  t.false(await synced);
  t.false(await informer.waitForSync());
  const after = calls;
  await new Promise((r) => setTimeout(r, 50));
  t.is(calls, after, 'no retries after stop');
  t.true(errors.length >= 3);
});

test('a failing list recovers: the informer syncs once the server answers', async (t) => {
  const { client } = t.context;
  const ns = await namespace(client);
  await client.create('configmaps', cm('z', ns));
  const real = listerWatcherFor<ConfigMap>(client, 'configmaps', { namespace: ns });
  let failures = 2;
  const flaky: ListerWatcher<ConfigMap> = {
    list: (signal) => (failures-- > 0 ? Promise.reject(new Error('ECONNRESET')) : real.list(signal)),
    watch: (rv) => real.watch(rv),
  };
  const informer = new Informer(flaky, { backoff: { initialMs: 5 } }).start();
  t.teardown(() => informer.stop());
  t.true(await informer.waitForSync());
  t.deepEqual(names(informer.cache.list()), ['z']);
});
