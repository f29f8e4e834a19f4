// The server's life: closing ends watches and connections; readiness follows the store.
import test from 'ava';
import { createServer } from 'node:net';
import { createCorral } from '../../src/kernel/index.js';
import { createApiServer, silentLogger } from '../../src/server/index.js';
import { openStore } from '../../src/store/index.js';
import { startEtcd, startTestApiServer } from '../../src/testing/index.js';
import { Api, eventually } from './helpers.js';

test('close ends open watches, stops accepting, and leaves the store open', async (t) => {
  const server = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => server.close());
  const api = new Api(server.url);
  const watch = api.watch('/api/v1/namespaces/default/configmaps?watch=1');
  t.is(await watch.opened, 200);
  const started = Date.now();
  await server.server.close();
  await watch.done;
  t.true(Date.now() - started < 2000);
  await t.throwsAsync(fetch(`${server.url}/readyz`));
  t.true((await server.store.currentRevision()) > 0, 'the store is the caller’s to close');
});

test('readyz fails while etcd is unreachable and recovers with it; livez stays ok', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const corral = await createCorral({ role: 'server' });
  const store = await openStore({ etcd: { endpoints: [etcd.endpoint], requestTimeoutMs: 1000, dialTimeoutMs: 1000 } });
  const server = await createApiServer({ corral, store, listen: '127.0.0.1:0', logger: silentLogger });
  t.teardown(async () => {
    await server.close();
    await store.close();
  });
  const api = new Api(server.url);
  t.is((await api.get('/readyz')).status, 200);
  await etcd.kill9();
  const ready = await api.get('/readyz?verbose');
  t.is(ready.status, 500);
  t.regex(ready.text, /\[-\]store failed/);
  t.is((await api.get('/livez')).status, 200);
  const list = await api.get('/api/v1/namespaces/default/configmaps');
  t.is(list.status, 503, list.text);
  t.is(list.body.reason, 'ServiceUnavailable');
  await etcd.restart();
  t.true(await eventually(async () => (await api.get('/readyz')).status === 200, 10_000, 200));
});

test('a kernel without a Namespace kind serves what it has, with no namespace rules', async (t) => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'corral-nons-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'corral.yaml');
  await writeFile(config, 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins:\n  - name: "@corral/plugin-resources"\n    enabled: false\n');
  const corral = await createCorral({ role: 'server', configFile: config });
  const store = await openStore({ embedded: { dir: join(dir, 'data') } });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const server = await createApiServer({ corral, store, listen: `127.0.0.1:${port}`, logger: silentLogger });
  t.teardown(async () => {
    await server.close();
    await store.close();
  });
  const api = new Api(server.url);
  t.deepEqual((await api.get('/api')).body.versions, []);
  t.is((await api.get('/api/v1/namespaces')).status, 404);
});
