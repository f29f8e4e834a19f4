// The Kubernetes client library for JavaScript against a Corral API server: the same calls an
// operator written for Kubernetes makes (list, create, patch, watch), with nothing adapted.
import test from 'ava';
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startTestApiServer } from '@corral/core/testing';

type Server = Awaited<ReturnType<typeof startTestApiServer>>;
const BACKENDS = ['embedded', 'etcd'] as const;
type Backend = (typeof BACKENDS)[number];
const servers = new Map<Backend, Server>();
const configs = new Map<Backend, KubeConfig>();

test.before(async () => {
  for (const backend of BACKENDS) {
    const server = await startTestApiServer({ backend });
    servers.set(backend, server);
    // Built in memory, as an operator running in a cluster builds its own.
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'corral', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'tester' }],
      contexts: [{ name: 'corral', cluster: 'corral', user: 'tester', namespace: 'default' }],
      currentContext: 'corral',
    });
    configs.set(backend, kc);
  }
});

test.after.always(async () => {
  for (const server of servers.values()) await server.close();
});

const pod = (name: string): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'client-node' } },
  spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1' }] },
});

async function namespace(api: CoreV1Api, name: string): Promise<void> {
  await api.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

/** Resolves when `events` has `count` entries; fails after a while with what it has. */
async function eventually<T>(events: T[], count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (events.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} watch events, got ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const backend of BACKENDS) {
  test(`${backend}: a created pod is listed with its resourceVersion, and the list is at least as new`, async (t) => {
    const api = configs.get(backend)!.makeApiClient(CoreV1Api);
    await namespace(api, 'cn-list');
    const created = await api.createNamespacedPod({ namespace: 'cn-list', body: pod('web') });
    t.is(created.metadata?.name, 'web');
    t.is(created.metadata?.namespace, 'cn-list');
    t.truthy(created.metadata?.uid);
    const rv = created.metadata?.resourceVersion;
    t.regex(rv ?? '', /^\d+$/);

    const list = await api.listNamespacedPod({ namespace: 'cn-list' });
    t.deepEqual(
      list.items.map((p) => [p.metadata?.name, p.metadata?.resourceVersion]),
      [['web', rv]],
    );
    t.true(Number(list.metadata?.resourceVersion) >= Number(rv));
    // The typed model parsed the spec, not just the metadata.
    t.is(list.items[0]!.spec?.containers[0]?.image, 'registry.example.com/app:1');

    const selected = await api.listNamespacedPod({ namespace: 'cn-list', labelSelector: 'app=other' });
    t.deepEqual(selected.items, []);
  });

  test(`${backend}: Watch sees ADDED then MODIFIED, in order, with the resourceVersions the writes returned`, async (t) => {
    const api = configs.get(backend)!.makeApiClient(CoreV1Api);
    await namespace(api, 'cn-watch');
    const start = await api.listNamespacedPod({ namespace: 'cn-watch' });
    const events: Array<{ type: string; name?: string; rv?: string; labels?: Record<string, string> }> = [];
    let ended: unknown = 'not yet';
    const controller = await new Watch(configs.get(backend)!).watch(
      '/api/v1/namespaces/cn-watch/pods',
      { resourceVersion: start.metadata?.resourceVersion },
      (type, obj: V1Pod) => {
        events.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion, labels: obj.metadata?.labels });
      },
      (err) => {
        ended = err;
      },
    );
    try {
      const created = await api.createNamespacedPod({ namespace: 'cn-watch', body: pod('w1') });
      // The library's default patch type is a JSON patch.
      const patched = await api.patchNamespacedPod({
        name: 'w1',
        namespace: 'cn-watch',
        body: [{ op: 'add', path: '/metadata/labels/stage', value: 'two' }],
      });
      t.true(Number(patched.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
      await eventually(events, 2);
      t.deepEqual(events, [
        { type: 'ADDED', name: 'w1', rv: created.metadata?.resourceVersion, labels: { app: 'client-node' } },
        { type: 'MODIFIED', name: 'w1', rv: patched.metadata?.resourceVersion, labels: { app: 'client-node', stage: 'two' } },
      ]);
      t.is(ended, 'not yet', 'the watch stays open');
    } finally {
      controller.abort();
    }
  });

  test(`${backend}: a watch from an older resourceVersion replays what happened since, and nothing before`, async (t) => {
    const api = configs.get(backend)!.makeApiClient(CoreV1Api);
    await namespace(api, 'cn-replay');
    await api.createNamespacedPod({ namespace: 'cn-replay', body: pod('before') });
    const mark = (await api.listNamespacedPod({ namespace: 'cn-replay' })).metadata?.resourceVersion;
    const after = await api.createNamespacedPod({ namespace: 'cn-replay', body: pod('after') });
    await api.deleteNamespacedPod({ name: 'after', namespace: 'cn-replay', gracePeriodSeconds: 0 });

    const events: Array<[string, string | undefined]> = [];
    const controller = await new Watch(configs.get(backend)!).watch(
      '/api/v1/namespaces/cn-replay/pods',
      { resourceVersion: mark },
      (type, obj: V1Pod) => events.push([type, obj.metadata?.name]),
      () => undefined,
    );
    try {
      await eventually(events, 2);
      const deadline = Date.now() + 10_000;
      while (!events.some(([type]) => type === 'DELETED') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // A graceful delete may show as MODIFIED (deletionTimestamp set) before DELETED.
      t.deepEqual(events[0], ['ADDED', 'after']);
      t.deepEqual(events.at(-1), ['DELETED', 'after']);
      t.false(events.some(([, name]) => name === 'before'), JSON.stringify(events));
      t.truthy(after.metadata?.resourceVersion);
    } finally {
      controller.abort();
    }
  });
}
