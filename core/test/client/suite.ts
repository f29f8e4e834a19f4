// The typed client against a real API server: one suite, run on each store backend.
import type { TestFn } from 'ava';
import { ApiError } from '../../src/api/errors.js';
import { builtinResources } from '../../src/api/index.js';
import { findResource } from '../../src/api/registry.js';
import type { ApiObject, ConfigMap, Deployment, Pod, Status } from '../../src/api/types.js';
import { ApiClient } from '../../src/client/ApiClient.js';
import type { ApiWatchEvent } from '../../src/client/watch.js';
import { startTestApiServer, type TestApiServer } from '../../src/testing/index.js';

export type Backend = 'embedded' | 'etcd';

interface Ctx {
  server: TestApiServer;
  client: ApiClient;
}

const CONFIGMAPS = findResource(builtinResources, { kind: 'ConfigMap' })!;

function cm(name: string, data: Record<string, string> = { k: 'v' }, labels?: Record<string, string>): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data };
}

function deployment(name: string, image = 'nginx:1'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  };
}

let nsCounter = 0;
async function namespace(client: ApiClient): Promise<string> {
  const name = `ns-${process.pid}-${++nsCounter}`;
  await client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

async function rejects(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

export function clientSuite(anyTest: unknown, backend: Backend): void {
  const test = anyTest as TestFn<Ctx>;
  test.before(async (t) => {
    const server = await startTestApiServer({ backend });
    t.context = { server, client: new ApiClient({ server: server.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] }) };
  });
  test.after.always(async (t) => {
    t.context.client?.close();
    await t.context.server?.close();
  });

  test('discovery resolves what kubectl users type', async (t) => {
    const d = t.context.client.discovery;
    for (const [typed, plural, group] of [
      ['po', 'pods', ''],
      ['pod', 'pods', ''],
      ['Pod', 'pods', ''],
      ['pods', 'pods', ''],
      ['deploy', 'deployments', 'apps'],
      ['deployments.apps', 'deployments', 'apps'],
      ['deployments.v1.apps', 'deployments', 'apps'],
      ['rc', 'replicationcontrollers', ''],
      ['cj', 'cronjobs', 'batch'],
    ] as const) {
      const r = await d.resolve(typed);
      t.is(r.name, plural, typed);
      t.is(r.group, group, typed);
    }
    const pods = await d.resolve('pods');
    t.true(pods.namespaced);
    t.true(pods.subresources.includes('status'));
    t.true((await d.resolve('deploy')).subresources.includes('scale'));
    t.false((await d.resolve('nodes')).namespaced);
    const err = await rejects(d.resolve('frobs'));
    t.is(err.message, 'the server doesn\'t have a resource type "frobs"');
    t.is((await d.forKind('apps/v1', 'Deployment')).name, 'deployments');
  });

  test('create, get, update, patch (three types), delete; status and errors carry the server\'s Status', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    const created = await client.create('cm', cm('a'), { namespace: ns });
    t.is(created.metadata.namespace, ns);
    t.truthy(created.metadata.resourceVersion);
    const exists = await rejects(client.create('cm', cm('a'), { namespace: ns }));
    t.is(exists.reason, 'AlreadyExists');
    t.is(exists.code, 409);

    const got = await client.get<ConfigMap>(CONFIGMAPS, 'a', { namespace: ns });
    t.deepEqual(got.data, { k: 'v' });
    const updated = await client.update('configmaps', { ...got, data: { k: 'v2' } });
    t.deepEqual(updated.data, { k: 'v2' });
    // The stale resourceVersion of `got` makes a second update conflict.
    const conflict = await rejects(client.update('configmaps', { ...got, data: { k: 'v3' } }));
    t.is(conflict.reason, 'Conflict');

    const merged = await client.patch<ConfigMap>('cm', 'a', { data: { extra: 'x' } }, 'merge', { namespace: ns });
    t.deepEqual(merged.data, { k: 'v2', extra: 'x' });
    const json = await client.patch<ConfigMap>('cm', 'a', [{ op: 'remove', path: '/data/extra' }], 'json', { namespace: ns });
    t.deepEqual(json.data, { k: 'v2' });
    const d = await client.create('deploy', deployment('web'), { namespace: ns });
    const smp = await client.patch<Deployment>('deploy', 'web', { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } }, 'strategic', { namespace: ns });
    t.deepEqual(smp.spec.template.spec.containers.map((c) => c.name).sort(), ['c', 'side']);
    t.true(Number(smp.metadata.generation) > Number(d.metadata.generation));

    const invalid = await rejects(client.create('deploy', { ...deployment('bad'), spec: { ...deployment('bad').spec, replicas: -1 } }, { namespace: ns }));
    t.is(invalid.reason, 'Invalid');
    t.is(invalid.code, 422);
    t.true(invalid.causes.some((c) => c.field === 'spec.replicas'));

    const missing = await rejects(client.get('pods', 'ghost', { namespace: ns }));
    t.is(missing.code, 404);
    t.is(missing.message, 'pods "ghost" not found');

    const wrongUid = await rejects(client.delete('cm', 'a', { namespace: ns, preconditions: { uid: 'not-the-uid' } }));
    t.is(wrongUid.reason, 'Conflict');
    const status = (await client.delete('cm', 'a', { namespace: ns, preconditions: { uid: created.metadata.uid } })) as Status | ApiObject;
    t.truthy(status);
    t.is((await rejects(client.get('cm', 'a', { namespace: ns }))).code, 404);
  });

  test('list pages with limit and continue; listAll reads every page; selectors filter', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    for (let i = 0; i < 7; i++) await client.create('cm', cm(`c${i}`, { i: String(i) }, { parity: i % 2 ? 'odd' : 'even' }), { namespace: ns });
    const first = await client.list('cm', { namespace: ns, limit: 3 });
    t.is(first.items.length, 3);
    t.truthy(first.metadata.continue);
    const second = await client.list('cm', { namespace: ns, limit: 3, continue: first.metadata.continue });
    t.is(second.items.length, 3);
    t.notDeepEqual(second.items.map((o) => o.metadata.name), first.items.map((o) => o.metadata.name));
    const all = await client.listAll('cm', { namespace: ns, pageSize: 2 });
    t.deepEqual(all.items.map((o) => o.metadata.name).sort(), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    t.truthy(all.metadata.resourceVersion);
    const odd = await client.list('cm', { namespace: ns, labelSelector: 'parity=odd' });
    t.deepEqual(odd.items.map((o) => o.metadata.name).sort(), ['c1', 'c3', 'c5']);
    const byName = await client.list('cm', { namespace: ns, fieldSelector: 'metadata.name=c4' });
    t.deepEqual(byName.items.map((o) => o.metadata.name), ['c4']);
    const everywhere = await client.list('cm', { allNamespaces: true, labelSelector: 'parity=even' });
    t.true(everywhere.items.filter((o) => o.metadata.namespace === ns).length === 4);
  });

  test('deleteCollection removes what the selector matches and nothing else', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    for (const [name, tier] of [['a', 'x'], ['b', 'x'], ['c', 'y']] as const) await client.create('cm', cm(name, {}, { tier }), { namespace: ns });
    await client.deleteCollection('cm', { namespace: ns, labelSelector: 'tier=x' });
    const left = await client.list('cm', { namespace: ns });
    t.deepEqual(left.items.map((o) => o.metadata.name), ['c']);
  });

  test('watch: events in order from a resourceVersion, resumed by a second watch, ended by stop()', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    const start = (await client.list('cm', { namespace: ns })).metadata.resourceVersion!;
    const watch = client.watch<ConfigMap>('cm', { namespace: ns, resourceVersion: start });
    const seen: ApiWatchEvent<ConfigMap>[] = [];
    const reading = (async () => {
      for await (const e of watch) {
        seen.push(e);
        if (seen.length === 3) break;
      }
    })();
    await client.create('cm', cm('w'), { namespace: ns });
    await client.patch('cm', 'w', { data: { k: 'changed' } }, 'merge', { namespace: ns });
    await client.delete('cm', 'w', { namespace: ns });
    await reading;
    t.deepEqual(seen.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    t.is(seen[1]!.object.data?.k, 'changed');
    // A new watch from the first event's resourceVersion sees exactly the two after it.
    const resumed = client.watch<ConfigMap>('cm', { namespace: ns, resourceVersion: seen[0]!.object.metadata.resourceVersion });
    const after: string[] = [];
    for await (const e of resumed) {
      after.push(e.type);
      if (after.length === 2) resumed.stop();
    }
    t.deepEqual(after, ['MODIFIED', 'DELETED']);
    // stop() ends an idle watch's iteration.
    const idle = client.watch('cm', { namespace: ns, resourceVersion: watch.resourceVersion });
    const ended = (async () => {
      for await (const _ of idle) t.fail('no event expected');
      return 'ended';
    })();
    setTimeout(() => idle.stop(), 50);
    t.is(await ended, 'ended');
  });

  test('watch without a resourceVersion first sends what exists, as ADDED', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    await client.create('cm', cm('pre'), { namespace: ns });
    const watch = client.watch('cm', { namespace: ns });
    for await (const e of watch) {
      t.is(e.type, 'ADDED');
      t.is(e.object.metadata.name, 'pre');
      break;
    }
  });

  test('scale and status subresources', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    await client.create('deploy', deployment('s'), { namespace: ns });
    const scale = await client.getScale('deploy', 's', { namespace: ns });
    t.is(scale.spec.replicas, 1);
    await client.scale('deployments.apps', 's', 4, { namespace: ns });
    t.is((await client.get<Deployment>('deploy', 's', { namespace: ns })).spec.replicas, 4);
    const stale = await rejects(client.scale('deploy', 's', 5, { namespace: ns, currentReplicas: 2 }));
    t.is(stale.reason, 'Conflict');
    const d = await client.get<Deployment>('deploy', 's', { namespace: ns });
    const withStatus = await client.updateStatus('deploy', { ...d, status: { replicas: 4, updatedReplicas: 4, observedGeneration: 9 } });
    t.is((withStatus as Deployment).status?.updatedReplicas, 4);
    // Status writes do not change the spec; spec writes do not change the status.
    t.is((await client.get<Deployment>('deploy', 's', { namespace: ns })).status?.observedGeneration, 9);
  });

  test('Table answers for get, and the version endpoint', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    await client.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as Pod, { namespace: ns });
    const table = await client.table('po', { namespace: ns });
    t.is(table.kind, 'Table');
    t.is((table as { rows: unknown[] }).rows.length, 1);
    const version = await client.version();
    t.regex(String(version.gitVersion), /^v\d+\.\d+/);
  });

  test('logs and exec of an unscheduled pod fail with the server\'s reason', async (t) => {
    const { client } = t.context;
    const ns = await namespace(client);
    await client.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as Pod, { namespace: ns });
    const logs = await rejects(client.logs('p', { namespace: ns }));
    t.is(logs.code, 400);
    t.regex(logs.message, /not scheduled|node/);
    const exec = await rejects(client.exec('p', { namespace: ns, command: ['ls'] }));
    t.is(exec.code, 400);
    t.regex(exec.message, /node/);
    const missing = await rejects(client.exec('ghost', { namespace: ns, command: ['ls'] }));
    t.is(missing.code, 404);
  });
}
