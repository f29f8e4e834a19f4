// WATCH: framing, starting points, selectors (matching and unmatching objects), bookmarks,
// timeouts, initial events, Table events.
import type { TestFn } from 'ava';
import { configMap, isStatus, pod, sleep, type Fixture } from '../helpers.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export function watchTests(test: TestFn, fx: () => Fixture): void {
  test('a watch from a resourceVersion streams ADDED, MODIFIED and DELETED as JSON lines', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const rv = (await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.metadata.resourceVersion;
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}`);
    t.teardown(() => watch.close());
    t.is(await watch.opened, 200);
    const created = (await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('w'))).body;
    const updated = (await api.patch(`/api/v1/namespaces/${ns}/configmaps/w`, { data: { a: '2' } })).body;
    await api.delete(`/api/v1/namespaces/${ns}/configmaps/w`);
    const events = await watch.waitFor(3);
    t.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    t.is(events[0]!.object.metadata.resourceVersion, created.metadata.resourceVersion);
    t.is(events[1]!.object.data.a, '2');
    t.is(events[1]!.object.metadata.resourceVersion, updated.metadata.resourceVersion);
    t.true(Number(events[2]!.object.metadata.resourceVersion) > Number(updated.metadata.resourceVersion));
  });

  test('a watch without a resourceVersion starts with the current objects as ADDED', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('before'));
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=true`);
    t.teardown(() => watch.close());
    await watch.waitFor(1);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('after'));
    const events = await watch.waitFor(2);
    t.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED before', 'ADDED after']);
  });

  test('the legacy /watch/ paths: a namespace, and one object', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('one'));
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('two'));
    const all = api.watch(`/api/v1/watch/namespaces/${ns}/configmaps`);
    const one = api.watch(`/api/v1/watch/namespaces/${ns}/configmaps/two`);
    t.teardown(() => (all.close(), one.close()));
    t.is((await all.waitFor(2)).length, 2);
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/one`, { data: { z: '1' } });
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/two`, { data: { z: '1' } });
    t.deepEqual((await one.waitFor(2)).map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED two', 'MODIFIED two']);
    await all.waitFor(4);
    t.is(all.events.length, 4);
    isStatus(t, await api.request('POST', `/api/v1/watch/namespaces/${ns}/configmaps`, { body: configMap('x') }), 405, 'MethodNotAllowed');
  });

  test('with a selector, an object that stops matching is DELETED and one that starts is ADDED', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('moving', {}, { tier: 'web' }));
    const rv = (await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.metadata.resourceVersion;
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&labelSelector=tier%3Dweb&resourceVersion=${rv}`);
    t.teardown(() => watch.close());
    await watch.opened;
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/moving`, { metadata: { labels: { tier: 'db' } } });
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/moving`, { data: { ignored: 'yes' } });
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/moving`, { metadata: { labels: { tier: 'web' } } });
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('other', {}, { tier: 'db' }));
    const events = await watch.waitFor(2);
    await sleep(200);
    t.deepEqual(events.map((e) => e.type), ['DELETED', 'ADDED']);
    t.is(events[0]!.object.metadata.labels.tier, 'web', 'DELETED carries the last matching state');
  });

  test('allowWatchBookmarks brings BOOKMARK events with a resourceVersion', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const created = (await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('b'))).body;
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${created.metadata.resourceVersion}`);
    t.teardown(() => watch.close());
    const [event] = await watch.waitFor(1, 5000);
    t.is(event?.type, 'BOOKMARK');
    t.like(event?.object, { kind: 'ConfigMap', apiVersion: 'v1' });
    t.true(Number(event?.object.metadata.resourceVersion) >= Number(created.metadata.resourceVersion));
  });

  test('timeoutSeconds ends the watch', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const started = Date.now();
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&timeoutSeconds=1`);
    await watch.done;
    const took = Date.now() - started;
    // Ended by the 1 s asked for, not by the server's own limit (minutes); a loaded machine may
    // take seconds to set the watch up before the second starts.
    t.true(took >= 900 && took < 20_000, `${took} ms`);
  });

  test('sendInitialEvents: the current state, then a bookmark marking its end', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('init'));
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    t.teardown(() => watch.close());
    const events = await watch.waitFor(2);
    t.is(events[0]!.type, 'ADDED');
    t.is(events[1]!.type, 'BOOKMARK');
    t.is(events[1]!.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`), 422, 'Invalid', 'allowWatchBookmarks');
  });

  test('a Table watch sends Table objects, the columns with the first event only', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('tw'));
    const watch = api.watch(`/api/v1/namespaces/${ns}/pods?watch=1`, { accept: TABLE });
    t.teardown(() => watch.close());
    await watch.waitFor(1);
    await api.patch(`/api/v1/namespaces/${ns}/pods/tw`, { metadata: { labels: { x: 'y' } } });
    const [first, second] = await watch.waitFor(2);
    t.is(first!.object.kind, 'Table');
    t.true(first!.object.columnDefinitions.length > 0);
    t.is(first!.object.rows[0].cells[0], 'tw');
    t.is(second!.type, 'MODIFIED');
    t.deepEqual(second!.object.columnDefinitions, []);
  });

  test('a watch on a named object with ?watch=1 follows that object only', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('me'));
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('me2'));
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps/me?watch=1`);
    t.teardown(() => watch.close());
    await watch.waitFor(1);
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/me2`, { data: { q: '1' } });
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/me`, { data: { q: '1' } });
    const events = await watch.waitFor(2);
    t.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED me', 'MODIFIED me']);
  });
}
