// A stale cache (most often behind the controller's own last write) must not hold up an
// Endpoints change until a backed-off retry: on a conflict the controller writes on top of the
// latest object at once.
import test from 'ava';
import { ApiError, type ApiObject, type Endpoints, type Pod, type ReconcileContext, type Service } from '@corral/core';
import { syncEndpoints } from '../src/index.js';

const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
};

function pod(name: string, ip: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'web' }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function endpointsAt(resourceVersion: string, ips: string[]): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default', resourceVersion },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 8080, protocol: 'TCP' }] }],
  };
}

/** A context whose caches hold `cached` and whose API holds `latest`; it records the updates. */
function context(cached: Endpoints, latest: Endpoints, pods: Pod[]) {
  const updates: Endpoints[] = [];
  const caches: Record<string, { get(key: string): ApiObject | undefined; byIndex(name: string, value: string): ApiObject[] }> = {
    Service: { get: () => service, byIndex: () => [service] },
    Endpoints: { get: () => cached, byIndex: () => [cached] },
    Pod: { get: () => undefined, byIndex: () => pods },
  };
  const client = {
    async update(_resource: unknown, obj: Endpoints) {
      if (obj.metadata.resourceVersion !== latest.metadata.resourceVersion) throw ApiError.conflict('endpoints', 'web');
      updates.push(obj);
      return obj;
    },
    async get() {
      return latest;
    },
  };
  const ctx = { client, informers: { informer: (kind: { kind: string }) => ({ cache: caches[kind.kind]! }) }, signal: new AbortController().signal };
  return { ctx: ctx as unknown as ReconcileContext, updates };
}

const resource = { group: '', version: 'v1', plural: 'endpoints', namespaced: true, kind: 'Endpoints' };

test('a conflict from a stale cache is answered by writing on top of the latest Endpoints', async (t) => {
  // The cache still has version 5; the API already has 6 (a pod added); now a pod has left.
  const { ctx, updates } = context(endpointsAt('5', ['10.0.0.1', '10.0.0.2']), endpointsAt('6', ['10.0.0.1', '10.0.0.2', '10.0.0.3']), [pod('a', '10.0.0.1'), pod('c', '10.0.0.3')]);
  await syncEndpoints('default/web', ctx, resource);
  t.is(updates.length, 1);
  t.is(updates[0]!.metadata.resourceVersion, '6', 'written on top of the latest');
  t.deepEqual(
    updates[0]!.subsets?.[0]?.addresses?.map((a) => a.ip),
    ['10.0.0.1', '10.0.0.3'],
  );
});

test('after a conflict nothing is written when the latest Endpoints already hold what is wanted', async (t) => {
  const { ctx, updates } = context(endpointsAt('5', ['10.0.0.1']), { ...endpointsAt('6', []), subsets: [] }, []);
  await syncEndpoints('default/web', ctx, resource);
  t.deepEqual(updates, []);
});
