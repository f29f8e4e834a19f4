// Watches share one store watch per prefix (a change decoded once), the encoded lines of a change
// (one JSON.stringify per change and encoding), and write each tick's events together: what
// each watch sees must not change.
import test from 'ava';
import { SharedLines } from '../../src/server/watch/sharedLines.js';
import { configMap, useServer } from './helpers.js';

const fx = useServer(test, { backend: 'embedded' });
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json';

test('a line is encoded once per id, and the oldest lines go first past the capacity', (t) => {
  const lines = new SharedLines(2);
  let encoded = 0;
  const make = (text: string) => () => (encoded++, text);
  t.is(lines.line('a', make('A')), 'A');
  t.is(lines.line('a', make('not again')), 'A');
  t.is(encoded, 1);
  lines.line('b', make('B'));
  lines.line('c', make('C'));
  t.is(lines.size, 2);
  t.is(lines.line('a', make('A2')), 'A2', 'a was evicted, so it is encoded again');
  t.is(lines.line('c', make('not again')), 'C');
  t.is(encoded, 4);
});

test('watches of one change with other selectors or encodings each get their own view', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const rv = (await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.metadata.resourceVersion;
  const path = `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}`;
  const plain = api.watch(path);
  const web = api.watch(`${path}&labelSelector=tier%3Dweb`);
  const metadata = api.watch(path, { accept: METADATA_ONLY });
  const again = api.watch(path);
  t.teardown(() => [plain, web, metadata, again].forEach((w) => w.close()));
  for (const w of [plain, web, metadata, again]) t.is(await w.opened, 200);

  const created = (await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('moving', { a: '1' }, { tier: 'web' }))).body;
  const moved = (await api.patch(`/api/v1/namespaces/${ns}/configmaps/moving`, { metadata: { labels: { tier: 'db' } } })).body;

  const seen = await plain.waitFor(2);
  t.deepEqual(seen.map((e) => `${e.type} ${e.object.metadata.labels.tier} ${e.object.metadata.resourceVersion}`), [
    `ADDED web ${created.metadata.resourceVersion}`,
    `MODIFIED db ${moved.metadata.resourceVersion}`,
  ]);
  t.is(seen[0]!.object.kind, 'ConfigMap');
  t.deepEqual(await again.waitFor(2), seen);
  // Stopped matching: DELETED, carrying the state it had while it matched, at the change's version.
  t.deepEqual((await web.waitFor(2)).map((e) => `${e.type} ${e.object.metadata.labels.tier} ${e.object.metadata.resourceVersion}`), [
    `ADDED web ${created.metadata.resourceVersion}`,
    `DELETED web ${moved.metadata.resourceVersion}`,
  ]);
  const meta = await metadata.waitFor(2);
  t.deepEqual(meta.map((e) => `${e.type} ${e.object.kind} ${e.object.metadata.labels.tier}`), ['ADDED PartialObjectMetadata web', 'MODIFIED PartialObjectMetadata db']);
  t.is(meta[0]!.object.data, undefined);
});

test('a burst of changes reaches every watch whole, in order, once', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const rv = (await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.metadata.resourceVersion;
  const watches = [0, 1, 2].map(() => api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}`));
  t.teardown(() => watches.forEach((w) => w.close()));
  for (const w of watches) t.is(await w.opened, 200);
  const count = 150;
  const replies = await Promise.all(Array.from({ length: count }, (_, i) => api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(`c${i}`))));
  t.true(replies.every((r) => r.status === 201));
  for (const w of watches) {
    const events = await w.waitFor(count, 20_000);
    t.is(events.length, count);
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    t.true(versions.every((v, i) => i === 0 || v > versions[i - 1]!), 'in revision order');
    t.is(new Set(events.map((e) => e.object.metadata.name)).size, count);
  }
});

const storeWatches = (): number => (fx().server.store as unknown as { stats(): { watches: number } }).stats().watches;

test.serial('watches of one prefix share one store watch, which goes when the last of them does', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const before = storeWatches();
  const rv = (await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.metadata.resourceVersion;
  const watches = [0, 1, 2, 3, 4].map((i) => api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}${i % 2 ? '&labelSelector=a%3Db' : ''}`));
  for (const w of watches) t.is(await w.opened, 200);
  t.is(storeWatches(), before + 1);
  await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('one', { a: '1' }, { a: 'b' }));
  for (const w of watches) t.deepEqual((await w.waitFor(1)).map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED one']);
  for (const w of watches) w.close();
  const deadline = Date.now() + 10_000;
  while (storeWatches() !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.is(storeWatches(), before);
});

test('a watch a little behind the live edge replays what it missed; the first of a prefix from further back reads the store', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const cms = `/api/v1/namespaces/${ns}/configmaps`;
  const rv0 = (await api.get(cms)).body.metadata.resourceVersion;
  // Written before any watch of this namespace: the first watch asks from before it.
  const a = (await api.post(cms, configMap('a'))).body;
  const first = api.watch(`${cms}?watch=1&resourceVersion=${rv0}`);
  t.teardown(() => first.close());
  t.is(await first.opened, 200);
  t.deepEqual((await first.waitFor(1)).map((e) => e.object.metadata.name), ['a']);
  const b = (await api.post(cms, configMap('b'))).body;
  await first.waitFor(2);
  const behind = api.watch(`${cms}?watch=1&resourceVersion=${a.metadata.resourceVersion}`);
  const further = api.watch(`${cms}?watch=1&resourceVersion=${rv0}`);
  t.teardown(() => (behind.close(), further.close()));
  t.is(await behind.opened, 200);
  t.is(await further.opened, 200);
  await api.post(cms, configMap('c'));
  const names = async (w: typeof first, n: number) => (await w.waitFor(n)).map((e) => `${e.type} ${e.object.metadata.name}`);
  t.deepEqual(await names(first, 3), ['ADDED a', 'ADDED b', 'ADDED c']);
  t.deepEqual(await names(behind, 2), ['ADDED b', 'ADDED c']);
  t.deepEqual(await names(further, 3), ['ADDED a', 'ADDED b', 'ADDED c']);
  t.is(behind.events[0]!.object.metadata.resourceVersion, b.metadata.resourceVersion);
});
