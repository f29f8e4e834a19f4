import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Endpoints, Service } from '../../src/api/types.js';
import { ApiClient } from '../../src/client/ApiClient.js';
import { createCorral } from '../../src/kernel/boot.js';
import type { ProxyDataPath, ServiceEntry, ServiceTable } from '../../src/kernel/contracts/proxy.js';
import { startProxy, tableChanges, TableBuilder, type ServiceTableChanges } from '../../src/proxy/index.js';
import { startTestApiServer } from '../../src/testing/index.js';

const entry = (name: string, port = 8080, extra: Partial<ServiceEntry> = {}): ServiceEntry => ({
  namespace: 'default',
  name,
  clusterIP: '10.96.0.10',
  sessionAffinity: 'None',
  ...extra,
  ports: [
    { name: 'http', protocol: 'TCP', port: 80, backends: [{ ip: '10.244.0.2', port, ready: true }] },
    { name: 'dns', protocol: 'UDP', port: 53, backends: [{ ip: '10.244.0.2', port: 53, ready: true }] },
  ],
});

const sorted = (xs: ReadonlySet<string>) => [...xs].sort();

test('table changes: one Service changed, added, removed; a Service field changes all its ports; the same objects are skipped', (t) => {
  const a = entry('a');
  const b = entry('b');
  const before: ServiceTable = { services: [a, b] };
  t.deepEqual(sorted(tableChanges(undefined, before).addedPorts), ['default/a:dns/UDP', 'default/a:http/TCP', 'default/b:dns/UDP', 'default/b:http/TCP'], 'the first sync adds everything');

  const none = tableChanges(before, { services: [a, entry('b')] });
  t.deepEqual([none.services.size, none.addedPorts.size, none.changedPorts.size, none.removedPorts.size], [0, 0, 0, 0], 'an equal copy is no change');

  const one = tableChanges(before, { services: [a, entry('b', 9090)] });
  t.deepEqual(sorted(one.services), ['default/b']);
  t.deepEqual(sorted(one.changedPorts), ['default/b:http/TCP'], 'only the port whose backends moved');
  t.is(one.addedPorts.size + one.removedPorts.size, 0);

  const moved = tableChanges(before, { services: [a, entry('b', 8080, { clusterIP: '10.96.0.11' })] });
  t.deepEqual(sorted(moved.changedPorts), ['default/b:dns/UDP', 'default/b:http/TCP'], 'a new ClusterIP changes every port');

  const gone = tableChanges(before, { services: [entry('c'), b] });
  t.deepEqual(sorted(gone.services), ['default/a', 'default/c']);
  t.deepEqual(sorted(gone.removedPorts), ['default/a:dns/UDP', 'default/a:http/TCP']);
  t.deepEqual(sorted(gone.addedPorts), ['default/c:dns/UDP', 'default/c:http/TCP']);

  const portGone = tableChanges(before, { services: [a, { ...b, ports: [b.ports[0]!] }] });
  t.deepEqual(sorted(portGone.removedPorts), ['default/b:dns/UDP']);
  t.is(portGone.changedPorts.size, 0);
});

const svc = (name: string, extra: object = {}): Service =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ port: 80 }], ...extra } }) as Service;
const eps = (name: string, port: number): Endpoints => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name, namespace: 'default' },
  subsets: [{ addresses: [{ ip: '10.244.0.2' }], ports: [{ port }] }],
});

test('the table builder builds only marked Services again; the others stay the same objects', (t) => {
  const services = new Map<string, Service>([['default/a', svc('a')], ['default/b', svc('b')], ['default/h', svc('h', { clusterIP: 'None' })]]);
  const endpoints = new Map<string, Endpoints>([['default/a', eps('a', 1)], ['default/b', eps('b', 2)]]);
  const builder = new TableBuilder(
    () => services.keys(),
    (k) => services.get(k),
    (k) => endpoints.get(k),
  );
  const first = builder.build();
  t.deepEqual(first.services.map((e) => e.name), ['a', 'b'], 'headless Services forward nothing');

  endpoints.set('default/b', eps('b', 3));
  t.is(builder.build().services[1], first.services[1], 'an unmarked change is not seen until marked');
  builder.mark('default/b');
  const second = builder.build();
  t.is(second.services[0], first.services[0]);
  t.not(second.services[1], first.services[1]);
  t.is(second.services[1]!.ports[0]!.backends[0]!.port, 3);

  builder.mark('default/a');
  t.is(builder.build().services[0], first.services[0], 'an event that changes nothing forwarded keeps the object');

  services.delete('default/a');
  services.set('default/0', svc('0'));
  builder.mark('default/a');
  builder.mark('default/0');
  t.deepEqual(builder.build().services.map((e) => e.name), ['0', 'b'], 'removed and added, in order');

  endpoints.set('default/b', eps('b', 4));
  builder.markAll();
  t.is(builder.build().services[1]!.ports[0]!.backends[0]!.port, 4, 'a resync looks at every Service');
});

test('the proxy loop hands the data path each sync\'s changes beside the whole table', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-proxy-changes-'));
  const config = join(dir, 'corral.yaml');
  await writeFile(config, 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins: []\n');
  const api = await startTestApiServer({ backend: 'embedded' });
  const client = new ApiClient({ server: api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const corral = await createCorral({ role: 'agent', configFile: config });
  const syncs: { table: ServiceTable; changes?: ServiceTableChanges }[] = [];
  const recorder: ProxyDataPath = {
    name: 'recorder',
    async sync(table, changes) {
      syncs.push({ table, ...(changes ? { changes } : {}) });
    },
    async close() {},
  };
  corral.hooks.proxyDataPath.for('recorder').tap('test', () => recorder);
  for (const name of ['a', 'b', 'c']) {
    await client.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] } } as never);
    await client.create('endpoints', eps(name, 8080) as never);
  }
  const proxy = await startProxy({ corral, client, nodeName: 'n1', nodeIPs: ['127.0.0.1'], dataPath: 'recorder', batchMs: 10, onError: () => undefined });
  t.teardown(async () => {
    await proxy.stop();
    client.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  const first = syncs.at(-1)!;
  t.is(first.table.services.length, 3);
  t.is(first.changes!.addedPorts.size, 3);

  const current = await client.get<Endpoints>('endpoints', 'b');
  await client.update('endpoints', { ...eps('b', 9090), metadata: current.metadata } as never);
  let last = await waitForSync(proxy, (tb) => tb.services.find((s) => s.name === 'b')?.ports[0]?.backends[0]?.port === 9090);
  t.is(last.table.services.length, 3, 'the whole table still');
  t.deepEqual(sorted(last.changes!.services), ['default/b']);
  t.deepEqual(sorted(last.changes!.changedPorts), ['default/b:80/TCP']);
  t.is(last.table.services[0], first.table.services[0], 'untouched Services are the same objects');

  await client.delete('services', 'c');
  last = await waitForSync(proxy, (tb) => tb.services.length === 2);
  t.deepEqual(sorted(last.changes!.services), ['default/c']);
  t.deepEqual(sorted(last.changes!.removedPorts), ['default/c:80/TCP']);

  const quiet = await proxy.synced();
  t.is(quiet.services.length, 2);
  t.is(syncs.at(-1)!.changes!.services.size, 0, 'a sync with nothing new carries no changes');

  async function waitForSync(p: typeof proxy, done: (tb: ServiceTable) => boolean) {
    for (let i = 0; i < 100; i++) {
      const tb = await p.synced();
      if (done(tb)) return syncs.find((s) => s.table === tb)!;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the change never reached the data path');
  }
});
