import test from 'ava';
import { startTestApiServer, type TestApiServer } from '../../src/testing/index.js';
import { Api } from './helpers.js';

// ClusterIPs and NodePorts: taken from small ranges so that exhaustion and reuse show quickly.

async function server(serviceCIDR: string, nodePorts = { min: 30000, max: 30002 }): Promise<{ srv: TestApiServer; api: Api }> {
  const srv = await startTestApiServer({ backend: 'embedded', server: { services: { serviceCIDR, nodePortRange: nodePorts, graceMs: 0 } } });
  return { srv, api: new Api(srv.url) };
}

function service(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec } };
}

const SVC = '/api/v1/namespaces/default/services';

test('every Service gets its own ClusterIP from the range until the range is full', async (t) => {
  const { srv, api } = await server('10.100.0.0/29');
  t.teardown(() => srv.close());
  const ips = new Set<string>();
  // A /29 has 6 usable addresses; create them concurrently, as clients would.
  const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => api.post(SVC, service(`s${i}`))));
  for (const r of replies) {
    t.is(r.status, 201, r.text);
    const { clusterIP, clusterIPs } = r.body.spec;
    t.regex(clusterIP, /^10\.100\.0\.[1-6]$/);
    t.deepEqual(clusterIPs, [clusterIP]);
    ips.add(clusterIP);
  }
  t.is(ips.size, 6);
  const full = await api.post(SVC, service('s7'));
  t.is(full.status, 422, full.text);
  t.regex(full.body.message, /spec\.clusterIP.*10\.100\.0\.0\/29 is full/);
  t.is((await api.get(`${SVC}/s7`)).status, 404, 'nothing stored');
});

test('a requested ClusterIP is honoured once, checked against the range, and kept by updates that leave it out', async (t) => {
  const { srv, api } = await server('10.101.0.0/24');
  t.teardown(() => srv.close());
  const a = await api.post(SVC, service('a', { clusterIP: '10.101.0.50' }));
  t.is(a.status, 201, a.text);
  t.is(a.body.spec.clusterIP, '10.101.0.50');

  const clash = await api.post(SVC, service('b', { clusterIP: '10.101.0.50' }));
  t.is(clash.status, 422);
  t.is(clash.body.details.causes[0].field, 'spec.clusterIP');
  t.regex(clash.body.message, /provided IP is already allocated/);

  const outside = await api.post(SVC, service('c', { clusterIP: '10.9.9.9' }));
  t.is(outside.status, 422);
  t.regex(outside.body.message, /not in the valid range.*10\.101\.0\.0\/24/);

  // A manifest applied again without clusterIP keeps the address (PUT of the same body).
  const put = await api.put(`${SVC}/a`, { ...service('a'), metadata: { name: 'a', resourceVersion: a.body.metadata.resourceVersion } });
  t.is(put.status, 200, put.text);
  t.is(put.body.spec.clusterIP, '10.101.0.50');

  for (const [name, spec] of [
    ['headless', { clusterIP: 'None' }],
    ['external', { type: 'ExternalName', externalName: 'db.example.com', selector: undefined }],
  ] as const) {
    const r = await api.post(SVC, service(name, spec));
    t.is(r.status, 201, r.text);
    t.not(r.body.spec.clusterIP ?? 'None', undefined);
    t.true(r.body.spec.clusterIP === undefined || r.body.spec.clusterIP === 'None', `${name}: ${r.body.spec.clusterIP}`);
  }

  const dry = await api.post(`${SVC}?dryRun=All`, service('dry'));
  t.is(dry.status, 201, dry.text);
  const records = await srv.store.list('/registry/serviceipallocations/');
  t.is(records.items.length, 1, 'a dry run takes no address');
});

test('NodePorts: allocated, requested ones honoured, clashes refused, freed when the Service stops needing them', async (t) => {
  const { srv, api } = await server('10.102.0.0/24', { min: 30000, max: 30001 });
  t.teardown(() => srv.close());
  const picked = await api.post(SVC, service('auto', { type: 'NodePort' }));
  t.is(picked.status, 201, picked.text);
  const auto = picked.body.spec.ports[0].nodePort;
  t.true(auto === 30000 || auto === 30001);
  const other = auto === 30000 ? 30001 : 30000;

  const clash = await api.post(SVC, service('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: auto }] }));
  t.is(clash.status, 422);
  t.is(clash.body.details.causes[0].field, 'spec.ports[0].nodePort');
  t.regex(clash.body.message, /provided port is already allocated/);
  t.is((await api.get(`${SVC}/clash`)).status, 404);

  // The clash took nothing: the remaining port is still free for a request.
  const asked = await api.post(SVC, service('asked', { type: 'NodePort', ports: [{ port: 80, nodePort: other }] }));
  t.is(asked.status, 201, asked.text);
  t.is(asked.body.spec.ports[0].nodePort, other);

  const full = await api.post(SVC, service('full', { type: 'NodePort' }));
  t.is(full.status, 422);
  t.regex(full.body.message, /node port range 30000-30001 is full/);

  // Back to ClusterIP: the update gives the port back at once.
  const current = (await api.get(`${SVC}/auto`)).body;
  const { externalTrafficPolicy: _policy, ...spec } = current.spec;
  const toClusterIP = { ...current, spec: { ...spec, type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } };
  const changed = await api.put(`${SVC}/auto`, toClusterIP);
  t.is(changed.status, 200, changed.text);
  const again = await api.post(SVC, service('again', { type: 'NodePort', ports: [{ port: 80, nodePort: auto }] }));
  t.is(again.status, 201, again.text);
});

test('a deleted Service gives its ClusterIP and NodePort back at once: the same Service can be created again', async (t) => {
  // A grace far longer than the test: only the delete itself can free the values.
  const srv = await startTestApiServer({ backend: 'embedded', server: { services: { serviceCIDR: '10.104.0.0/29', nodePortRange: { min: 30000, max: 30002 }, graceMs: 600_000 } } });
  t.teardown(() => srv.close());
  const api = new Api(srv.url);
  const spec = { clusterIP: '10.104.0.3', type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] };
  const made = await api.post(SVC, service('dns', spec));
  t.is(made.status, 201, made.text);
  t.is((await api.delete(`${SVC}/dns`)).status, 200);
  const again = await api.post(SVC, service('dns', spec));
  t.is(again.status, 201, again.text);
  t.is(again.body.spec.clusterIP, '10.104.0.3');
  t.is(again.body.spec.ports[0].nodePort, 30001);
  t.not(again.body.metadata.uid, made.body.metadata.uid);

  // Deleted through its finalizer's removal, the same.
  const held = await api.post(SVC, service('held', { clusterIP: '10.104.0.4' }));
  t.is(held.status, 201, held.text);
  const withFinalizer = await api.patch(`${SVC}/held`, { metadata: { finalizers: ['example.com/hold'] } }, 'application/merge-patch+json');
  t.is(withFinalizer.status, 200, withFinalizer.text);
  t.is((await api.delete(`${SVC}/held`)).status, 200);
  t.is((await api.post(SVC, service('other', { clusterIP: '10.104.0.4' }))).status, 422, 'held while the Service is still there');
  const released = await api.patch(`${SVC}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
  t.is(released.status, 200, released.text);
  const other = await api.post(SVC, service('other', { clusterIP: '10.104.0.4' }));
  t.is(other.status, 201, other.text);
});

test('a ClusterIP left held by a Service removed behind the API is taken over once its owner is gone', async (t) => {
  const { srv, api } = await server('10.103.0.0/29');
  t.teardown(() => srv.close());
  const made = await api.post(SVC, service('gone', { clusterIP: '10.103.0.3' }));
  t.is(made.status, 201, made.text);
  // As a crash between the delete and the release would leave it: the record stays.
  await srv.store.delete('/registry/services/default/gone');
  t.truthy(await srv.store.get('/registry/serviceipallocations/10.103.0.3'));
  const reply = await api.post(SVC, service('next', { clusterIP: '10.103.0.3' }));
  t.is(reply.status, 201, reply.text);
  t.is(reply.body.spec.clusterIP, '10.103.0.3');
  const record = (await srv.store.get('/registry/serviceipallocations/10.103.0.3')) as unknown as { owner: { name: string } };
  t.is(record.owner.name, 'next');
});
