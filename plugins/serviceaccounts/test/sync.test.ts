// syncServiceAccounts against hand-made caches and a recording client: which writes one pass
// makes, and which refusals count as done.
import test from 'ava';
import { ApiError, type ApiObject, type Namespace, type ServiceAccount } from '@corral/core/api';
import type { ApiClient } from '@corral/core/client';
import type { ReconcileContext, SharedInformers } from '@corral/core/kernel';
import { NAMESPACE_KIND, syncServiceAccounts } from '../src/index.js';

const RESOURCE = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true, kind: 'ServiceAccount' };

interface World {
  ctx: ReconcileContext;
  created: ServiceAccount[];
}

/**
 * A context whose caches hold `objects`; `create` records, or throws what `refuse` returns;
 * `get` answers with `live` (the namespace as the API has it now), or NotFound without one.
 */
function world(objects: ApiObject[], refuse?: (sa: ServiceAccount) => Error | undefined, live?: Namespace): World {
  const created: ServiceAccount[] = [];
  const caches = new Map<string, Map<string, ApiObject>>();
  for (const obj of objects) {
    const key = obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
    if (!caches.has(obj.kind!)) caches.set(obj.kind!, new Map());
    caches.get(obj.kind!)!.set(key, obj);
  }
  const informers = { informer: (kind: { kind: string }) => ({ cache: { get: (key: string) => caches.get(kind.kind)?.get(key) } }) } as unknown as SharedInformers;
  const client = {
    async create(_resource: unknown, sa: ServiceAccount) {
      const err = refuse?.(sa);
      if (err) throw err;
      created.push(sa);
      return sa;
    },
    async get(_resource: unknown, name: string) {
      if (!live) throw ApiError.notFound('namespaces', name);
      return live;
    },
  } as unknown as ApiClient;
  const ctx = { informers, client, signal: new AbortController().signal } as unknown as ReconcileContext;
  return { ctx, created };
}

const ns = (name: string, extra: Partial<Namespace> = {}): Namespace => ({ apiVersion: 'v1', kind: NAMESPACE_KIND.kind, metadata: { name }, status: { phase: 'Active' }, ...extra });
const sa = (namespace: string, name: string): ServiceAccount => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });

test('a live namespace without its accounts gets each of them, and only those missing', async (t) => {
  const w = world([ns('team'), sa('team', 'default')]);
  await syncServiceAccounts('team', w.ctx, ['default', 'builder'], RESOURCE);
  t.deepEqual(w.created, [sa('team', 'builder')]);
  const again = world([ns('team'), sa('team', 'default'), sa('team', 'builder')]);
  await syncServiceAccounts('team', again.ctx, ['default', 'builder'], RESOURCE);
  t.deepEqual(again.created, [], 'nothing to do: no writes');
});

test('a terminating namespace, by phase or by deletionTimestamp, and a gone one get nothing', async (t) => {
  for (const gone of [
    ns('bye', { status: { phase: 'Terminating' } }),
    ns('bye', { metadata: { name: 'bye', deletionTimestamp: '2026-01-01T00:00:00Z' } }),
  ]) {
    const w = world([gone]);
    await syncServiceAccounts('bye', w.ctx, ['default'], RESOURCE);
    t.deepEqual(w.created, []);
  }
  const missing = world([]);
  await syncServiceAccounts('nowhere', missing.ctx, ['default'], RESOURCE);
  t.deepEqual(missing.created, []);
});

test('AlreadyExists (a cache behind the store) moves on; Forbidden and NotFound from an ending namespace end the pass; other errors throw', async (t) => {
  const exists = world([ns('a')], (s) => (s.metadata.name === 'first' ? ApiError.alreadyExists('serviceaccounts', 'first') : undefined));
  await syncServiceAccounts('a', exists.ctx, ['first', 'second'], RESOURCE);
  t.deepEqual(exists.created.map((s) => s.metadata.name), ['second']);

  const forbidden = ApiError.forbidden('serviceaccounts', 'first', 'unable to create new content in namespace a because it is being terminated');
  for (const [refusal, live] of [
    [forbidden, ns('a', { status: { phase: 'Terminating' } })],
    [forbidden, undefined],
    [ApiError.notFound('namespaces', 'a'), undefined],
  ] as const) {
    const w = world([ns('a')], (s) => (s.metadata.name === 'first' ? refusal : undefined), live);
    await t.notThrowsAsync(syncServiceAccounts('a', w.ctx, ['first', 'second'], RESOURCE));
    t.deepEqual(w.created, [], `${refusal.status.reason}: the namespace is going, so is the rest of the pass`);
  }
  // Forbidden in a namespace the API still has live is another refusal: an error, retried.
  const denied = world([ns('a')], () => ApiError.forbidden('serviceaccounts', 'first', 'not allowed'), ns('a'));
  await t.throwsAsync(syncServiceAccounts('a', denied.ctx, ['first'], RESOURCE), { message: /not allowed/ });

  const broken = world([ns('a')], () => ApiError.serviceUnavailable('store down'));
  await t.throwsAsync(syncServiceAccounts('a', broken.ctx, ['default'], RESOURCE), { message: /store down/ });
});
