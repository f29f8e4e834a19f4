// A client watch through an API server whose store (its own etcd) goes away and comes back. The
// server ends the watch with a 503 ERROR event ("watch again from revision N") and answers 503
// while etcd is down; ApiWatch must keep retrying from the last resourceVersion it saw, so every
// object is seen exactly once, with no hand-written reopen loop. And a 410 still ends it.
import test from 'ava';
import type { ConfigMap } from '../../src/api/types.js';
import { ApiError } from '../../src/api/errors.js';
import { ApiClient } from '../../src/client/ApiClient.js';
import { createCorral } from '../../src/kernel/boot.js';
import { createApiServer } from '../../src/server/server.js';
import { openStore } from '../../src/store/openStore.js';
import { startEtcd, waitFor } from '../../src/testing/index.js';

const cm = (name: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { name } });

test('a watch resumes by itself after the store was lost (503 ERROR), seeing each object once', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  // The store gives a lost etcd watch stream up after 500 ms, so the server sends its ERROR soon.
  const store = await openStore({ etcd: { endpoints: [etcd.endpoint], watchReconnectTimeoutMs: 500, requestTimeoutMs: 1000, dialTimeoutMs: 500 } });
  const corral = await createCorral({ role: 'server' });
  const logs: string[] = [];
  const log = (message: string) => void logs.push(message);
  const server = await createApiServer({ listen: '127.0.0.1:0', logger: { error: log, warn: log, info: () => undefined }, corral, store });
  t.teardown(async () => {
    await server.close();
    await store.close();
  });
  const client = new ApiClient({ server: server.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  t.teardown(() => client.close());

  const start = await client.list<ConfigMap>('configmaps', { namespace: 'default' });
  const watch = client.watch<ConfigMap>('configmaps', { namespace: 'default', resourceVersion: start.metadata.resourceVersion });
  t.teardown(() => watch.stop());
  const seen: string[] = [];
  let failure: unknown;
  const reading = (async () => {
    try {
      for await (const event of watch) if (event.type === 'ADDED') seen.push(event.object.metadata.name!);
    } catch (err) {
      failure = err;
    }
  })();

  for (const name of ['a', 'b']) await client.create('configmaps', cm(name));
  await waitFor('the first two objects', () => seen.length === 2, 10_000);

  await etcd.kill9();
  // Long enough for the store to give its etcd watch up and the server to end the client's.
  await new Promise((r) => setTimeout(r, 2500));
  const failedWhileDown = failure;
  // etcd back and answering before any assertion: the server closes only with its store reachable.
  await etcd.restart();
  await waitFor('a write once etcd is back', async () => {
    try {
      await client.create('configmaps', cm('c'));
      return true;
    } catch (err) {
      return err instanceof ApiError && err.code === 409;
    }
  }, 20_000);
  t.is(failedWhileDown, undefined, 'the watch did not end while the store was away');
  await client.create('configmaps', cm('d'));
  await waitFor('every object seen', () => seen.length >= 4, 20_000);
  await new Promise((r) => setTimeout(r, 500));
  t.deepEqual(seen, ['a', 'b', 'c', 'd'], 'each once, in order');
  t.is(failure, undefined);
  watch.stop();
  await reading;
});

test('a watch from a resourceVersion that is gone still ends with 410', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = await openStore({ etcd: { endpoints: [etcd.endpoint] } });
  const corral = await createCorral({ role: 'server' });
  const server = await createApiServer({ listen: '127.0.0.1:0', logger: { error: () => undefined, warn: () => undefined, info: () => undefined }, corral, store });
  t.teardown(async () => {
    await server.close();
    await store.close();
  });
  const client = new ApiClient({ server: server.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  t.teardown(() => client.close());
  for (const name of ['x', 'y', 'z']) await client.create('configmaps', cm(name));
  const list = await client.list<ConfigMap>('configmaps', { namespace: 'default' });
  await store.compact(Number(list.metadata.resourceVersion));
  const watch = client.watch<ConfigMap>('configmaps', { namespace: 'default', resourceVersion: '2' });
  const error = await t.throwsAsync(async () => {
    for await (const event of watch) t.fail(`no event expected, got ${event.type}`);
  });
  t.is((error as ApiError).code, 410);
});
