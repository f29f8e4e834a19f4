// Expectations, owner references and cache indexes: small pure pieces.
import test from 'ava';
import type { ApiObject } from '../../../src/api/types.js';
import { Expectations, EXPECTATIONS_TTL_MS } from '../../../src/client/informer/Expectations.js';
import { cacheKey, namespaceIndex, nodeNameIndex, ObjectCache, ownerUidIndex, splitKey } from '../../../src/client/informer/ObjectCache.js';
import { controllerRefOf, isControlledBy, newControllerRef } from '../../../src/client/informer/ownerRefs.js';
import { ManualClock } from '../../../src/testing/clock.js';

test('expectations: unsatisfied until every expected creation and deletion is observed', (t) => {
  const e = new Expectations(new ManualClock());
  t.true(e.satisfied('ns/rs'), 'nothing recorded: satisfied');
  e.expectCreations('ns/rs', 2);
  t.false(e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  t.false(e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  t.true(e.satisfied('ns/rs'));
  e.expectDeletions('ns/rs', 1);
  t.false(e.satisfied('ns/rs'));
  e.raise('ns/rs', 1, 0);
  t.deepEqual(e.pending('ns/rs'), { add: 1, del: 1 });
  e.deletionObserved('ns/rs');
  e.creationObserved('ns/rs');
  t.true(e.satisfied('ns/rs'));
  e.creationObserved('ns/other');
  t.true(e.satisfied('ns/other'), 'observations without a record change nothing');
  e.delete('ns/rs');
  t.is(e.pending('ns/rs'), undefined);
});

test('expectations expire after 5 minutes, so a lost event cannot wedge a controller', (t) => {
  const clock = new ManualClock();
  const e = new Expectations(clock);
  e.expectCreations('k', 3);
  clock.advance(EXPECTATIONS_TTL_MS);
  t.false(e.satisfied('k'));
  clock.advance(1);
  t.true(e.satisfied('k'));
  e.expectCreations('k', 1);
  t.false(e.satisfied('k'), 'a new expectation starts a new TTL');
});

const owner: ApiObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'ns', uid: 'u-1' } };

test('owner references: newControllerRef and controllerRefOf', (t) => {
  const ref = newControllerRef(owner, { apiVersion: 'apps/v1', kind: 'ReplicaSet' });
  t.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u-1', controller: true, blockOwnerDeletion: true });
  const pod: ApiObject = { metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'Thing', name: 't', uid: 'u-0' }, ref] } };
  t.is(controllerRefOf(pod), pod.metadata.ownerReferences![1]);
  t.true(isControlledBy(pod, owner));
  t.is(controllerRefOf({ metadata: { name: 'q' } }), undefined);
  t.throws(() => newControllerRef({ metadata: { name: 'x' } }, { apiVersion: 'v1', kind: 'X' }), { message: /needs metadata.name and metadata.uid/ });
});

test('cache indexes follow updates and removals: by namespace, owner uid, node', (t) => {
  const cache = new ObjectCache({ namespace: namespaceIndex, owner: ownerUidIndex, node: nodeNameIndex });
  const pod = (name: string, node: string, ns = 'ns'): ApiObject => ({
    metadata: { name, namespace: ns, resourceVersion: '1', ownerReferences: [newControllerRef(owner, { apiVersion: 'apps/v1', kind: 'ReplicaSet' })] },
    spec: { nodeName: node },
  });
  cache.set(pod('a', 'n1'));
  cache.set(pod('b', 'n1'));
  cache.set(pod('c', 'n2', 'other'));
  t.deepEqual(cache.byIndex('node', 'n1').map(cacheKey).sort(), ['ns/a', 'ns/b']);
  t.is(cache.byIndex('owner', 'u-1').length, 3);
  cache.set(pod('b', 'n2'));
  t.deepEqual(cache.byIndex('node', 'n1').map(cacheKey), ['ns/a']);
  t.deepEqual(cache.byIndex('node', 'n2').map(cacheKey).sort(), ['ns/b', 'other/c']);
  t.truthy(cache.remove('other/c'));
  t.deepEqual(cache.byIndex('namespace', 'other'), []);
  t.is(cache.size, 2);
  t.deepEqual(splitKey('ns/a'), { namespace: 'ns', name: 'a' });
  t.deepEqual(splitKey('node-1'), { namespace: '', name: 'node-1' });
});
