// Drill: etcd goes down under a running `corral server` on the etcd backend and comes back. The
// test's own etcd (Debian's etcd-server, on ports and a data dir of its own) is killed while a
// client watch is open and the controllers run, stays down longer than the store's watch
// reconnect limit, and is started again on the same data dir. The watch must resume with no gap
// and no duplicate (objects made before, while etcd came back, and after are each seen once), and
// the controllers must act again (a Deployment made right after the restart gets its pods).
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, PODS, type ConfigMap, type Deployment, type Node, type Pod, type ResourceRef } from '@corral/core';
import { HollowAgent, startEtcd, waitFor } from '@corral/core/testing';
import { startChild } from './support/processes.js';
import { CORRAL_BIN, freePort } from './support/drill-cluster.js';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const REPLICA_SETS: ResourceRef = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' };
const DOWN_MS = 15_000;

const configMap = (name: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { made: name } });
const deployment = (name: string, replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

test('etcd restarted under a running server: the watch resumes with nothing missed, the controllers act again', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const dir = await mkdtemp(join(tmpdir(), 'corral-e2e-drill-etcd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'corral.yaml');
  await writeFile(
    configFile,
    ['apiVersion: corral.dev/v1alpha1', 'kind: CorralConfig', 'plugins:', '  - name: "@corral/plugin-dns"', '    options: { listen: "127.0.0.1:0", publish: false, upstreams: [] }', ''].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = startChild(process.execPath, [CORRAL_BIN, 'server', '--config', configFile, '--etcd-endpoints', etcd.endpoint, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--no-tls', '--leader-elect=false']);
  t.teardown(async () => {
    await server.stop();
  });
  await server.waitFor(url);
  const client = new ApiClient({ server: url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  t.teardown(() => client.close());
  // Node leases renewed every 2 s, as a real agent's heartbeats, so the nodes stay healthy
  // through everything but the outage itself.
  const agent = await HollowAgent.start({ client, nodes: 2, leaseRenewIntervalMs: 2000, nodeStatusIntervalMs: 5000 });
  t.teardown(() => agent.stop());

  // A controller at work before the outage.
  await client.create(DEPLOYMENTS, deployment('before', 3));
  const podsOf = (app: string, n: number) =>
    waitFor(`${n} running pods of ${app}`, async () => {
      const pods = (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: `app=${app}` })).items;
      return pods.length === n && pods.every((p) => p.status?.phase === 'Running') ? pods : undefined;
    }, 45_000);
  const beforeUids = (await podsOf('before', 3)).map((p) => p.metadata.uid!).sort();

  // The watch under test: every ConfigMap event from here on.
  // The server ends a watch with a 503 Status ("watch again from revision N") when its own watch
  // on etcd is lost; the client's watch resumes by itself from the last resourceVersion it saw.
  // Only a 410 (a gap) would end it, and fail the test.
  const start = await client.list<ConfigMap>(CONFIGMAPS, { namespace: 'default' });
  const watch = client.watch<ConfigMap>(CONFIGMAPS, { namespace: 'default', resourceVersion: start.metadata.resourceVersion });
  t.teardown(() => watch.stop());
  const added: string[] = [];
  let watchEnded: unknown;
  const watcher = (async () => {
    try {
      for await (const event of watch) if (event.type === 'ADDED') added.push(event.object.metadata.name!);
    } catch (err) {
      watchEnded = err;
    }
  })();

  const expected: string[] = [];
  for (let i = 0; i < 10; i++) {
    await client.create(CONFIGMAPS, configMap(`before-${i}`));
    expected.push(`before-${i}`);
  }
  await waitFor('the watch to see the first objects', () => added.length === 10);

  // etcd goes away; writers keep trying, as clients do, until it is back.
  await etcd.kill9();
  const downAt = Date.now();
  const during = Array.from({ length: 10 }, (_, i) => `during-${i}`);
  const failedWrites: string[] = [];
  const writers = during.map(async (name, i) => {
    await new Promise((r) => setTimeout(r, i * 500));
    await waitFor(`${name} written once etcd is back`, async () => {
      try {
        await client.create(CONFIGMAPS, configMap(name));
        return true;
      } catch (err) {
        // A create whose answer was lost may have been stored: then it is there.
        if ((err as { code?: number }).code === 409) return true;
        failedWrites.push(`${name}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
        return false;
      }
    }, DOWN_MS + 45_000);
  });
  expected.push(...during);
  await new Promise((r) => setTimeout(r, DOWN_MS));
  t.is(added.length, 10, 'nothing was seen while etcd was down');
  t.true(failedWrites.length > 0, 'writes failed while etcd was down');
  t.log(`while etcd was down: ${failedWrites.length} failed writes, e.g. ${failedWrites[0]}`);
  await etcd.restart();
  t.log(`etcd down for ${Date.now() - downAt} ms`);
  await Promise.all(writers);

  // Right after the restart: a Deployment, and more objects.
  await client.create(DEPLOYMENTS, deployment('after', 3));
  for (let i = 0; i < 10; i++) {
    await client.create(CONFIGMAPS, configMap(`after-${i}`));
    expected.push(`after-${i}`);
  }
  try {
    await waitFor('the watch to see every object', () => expected.every((n) => added.includes(n)), 45_000);
  } catch (err) {
    t.log(`seen: ${added.join(' ')}; the watch ${watchEnded === undefined ? 'still open' : `ended: ${String(watchEnded)}`}`, server.output().slice(-3000));
    throw err;
  }
  await new Promise((r) => setTimeout(r, 1000));
  t.deepEqual([...added].sort(), [...expected].sort(), 'each object seen once: no gap, no duplicate');
  t.deepEqual(added.slice(0, 10), expected.slice(0, 10), 'in the order they were made');
  t.deepEqual(added.slice(20), expected.slice(20));

  // The controllers came back: the new Deployment's pods run, the old one's are untouched.
  const after = await podsOf('after', 3).catch(async (err: Error) => {
    const d = await client.get<Deployment>(DEPLOYMENTS, 'after');
    const sets = (await client.list(REPLICA_SETS, { namespace: 'default' })).items.map((rs) => `${rs.metadata.name} ${JSON.stringify((rs as { status?: unknown }).status)}`);
    const pods = (await client.list<Pod>(PODS, { namespace: 'default' })).items.map((p) => `${p.metadata.name} node=${p.spec.nodeName ?? '-'} ${p.status?.phase}`);
    const nodes = (await client.list<Node>(NODES)).items.map((n) => `${n.metadata.name} ready=${n.status?.conditions?.find((c) => c.type === 'Ready')?.status} taints=${JSON.stringify(n.spec?.taints ?? [])}`);
    const log = server.output().split('\n').filter((l) => !/503 ServiceUnavailable/.test(l)).slice(-40).join('\n');
    t.log(`deployment after: ${JSON.stringify(d.status)}`, sets.join('\n'), pods.join('\n'), nodes.join('\n'), log);
    throw err;
  });
  t.is(after.length, 3);
  const before = await podsOf('before', 3);
  t.deepEqual(before.map((p) => p.metadata.uid!).sort(), beforeUids, 'the pods from before the outage are the same pods');
  // And they still act on changes: scale the old one.
  await client.patch(DEPLOYMENTS, 'before', { spec: { replicas: 5 } }, 'merge');
  await podsOf('before', 5);
  const stored = (await client.list<ConfigMap>(CONFIGMAPS, { namespace: 'default' })).items.map((c) => c.metadata.name!);
  t.deepEqual(stored.filter((n) => expected.includes(n)).sort(), [...expected].sort(), 'every acknowledged write is in etcd');

  t.is(watchEnded, undefined, 'the watch never ended');
  watch.stop();
  await watcher;
});
