import test from 'ava';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { openStore, objectKey, prefixKey, StoreError } from '../../src/store/index.js';
import { startEtcd } from '../../src/testing/index.js';
import { take } from './contract.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The bounds below are not speed targets: they tell "fails fast" from "hangs until some distant
// timeout". The store's request deadline is 5 s and the watch's reconnect limit is set to 1.5 s.
test('a stopped etcd gives Unavailable, not a hang, naming the endpoint; watches end with it too', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = await openStore({ etcd: { endpoints: [etcd.endpoint], prefix: '/avail', watchReconnectTimeoutMs: 1500 } });
  t.teardown(() => store.close());
  const key = objectKey('pods', 'default', 'a');
  await store.create(key, { metadata: { name: 'a' } });
  const w = await store.watch(prefixKey('pods'));

  await etcd.kill9();
  for (const op of [() => store.get(key), () => store.create(objectKey('pods', 'default', 'b'), { metadata: { name: 'b' } })]) {
    const started = Date.now();
    const err = await t.throwsAsync(op(), { instanceOf: StoreError });
    t.is(err.code, 'Unavailable');
    t.true(err.message.includes(etcd.endpoint), err.message);
    t.true(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
  }
  const started = Date.now();
  const werr = await t.throwsAsync(take(w, 1, 10_000), { instanceOf: StoreError });
  t.is(werr.code, 'Unavailable');
  t.true(werr.message.includes(etcd.endpoint));
  t.true(Date.now() - started < 10_000, `watch ended after ${Date.now() - started} ms`);
});

test('opening a store on an endpoint where nothing listens fails with Unavailable, not a hang', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const err = await t.throwsAsync(openStore({ etcd: { endpoints: [endpoint] } }), { instanceOf: StoreError });
  t.is(err.code, 'Unavailable');
  t.true(err.message.includes(endpoint));
  t.true(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
});

test('startEtcd: a healthy etcd of its own; stop() ends that process and removes its dir', async (t) => {
  const etcd = await startEtcd();
  t.true(alive(etcd.pid));
  t.true(existsSync(etcd.dataDir));
  const res = await fetch(`${etcd.endpoint}/health`);
  t.is(((await res.json()) as { health: string }).health, 'true');
  await etcd.stop();
  t.false(alive(etcd.pid));
  t.false(existsSync(etcd.dataDir));
});

test('startEtcd: restart keeps the data', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  let store = await openStore({ etcd: { endpoints: [etcd.endpoint] } });
  const created = await store.create('/registry/x/y', { metadata: { name: 'y' } });
  await store.close();
  await etcd.restart();
  store = await openStore({ etcd: { endpoints: [etcd.endpoint] } });
  t.deepEqual(await store.get('/registry/x/y'), created);
  await store.close();
});

test('startEtcd: without an etcd binary it fails with a clear message', async (t) => {
  const saved = process.env.ETCD_BIN;
  delete process.env.ETCD_BIN;
  try {
    await t.throwsAsync(startEtcd({ pathEnv: '/nonexistent-dir' }), {
      message: "etcd not found on PATH: install Debian's etcd-server (bash .ci/run does)",
    });
  } finally {
    if (saved !== undefined) process.env.ETCD_BIN = saved;
  }
  await t.throwsAsync(startEtcd({ binary: '/nonexistent-dir/etcd' }), { message: /etcd not found on PATH/ });
});

test('a watch survives an etcd restart without a gap or a duplicate', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = await openStore({ etcd: { endpoints: [etcd.endpoint], prefix: '/restart', watchReconnectTimeoutMs: 30_000 } });
  t.teardown(() => store.close());
  const w = await store.watch(prefixKey('pods'));
  const acked: number[] = [];
  const write = async (i: number) => {
    // Right after the restart the client may still refuse calls for a moment: retry those.
    for (let attempt = 0; ; attempt++) {
      try {
        const o = await store.create(objectKey('pods', 'default', `p${i}`), { metadata: { name: `p${i}` } });
        acked.push(Number(o.metadata!.resourceVersion));
        return;
      } catch (err) {
        if ((err as StoreError).code !== 'Unavailable' || attempt > 100) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  for (let i = 0; i < 5; i++) await write(i);
  t.deepEqual((await take(w, 5)).map((e) => e.revision), acked);
  await etcd.restart();
  for (let i = 5; i < 10; i++) await write(i);
  const after = await take(w, 5, 40_000);
  t.deepEqual(after.map((e) => e.revision), acked.slice(5));
  w.stop();
});
