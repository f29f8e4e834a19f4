import test from 'ava';
import {
  builtinResources,
  Informer,
  namespaceIndex,
  ownerUidIndex,
  type ApiObject,
  type KindRef,
  type ListerWatcher,
  type SharedInformers,
} from '@corral/core';
import { KindTable, keysFor } from '../src/index.js';

const never: ListerWatcher<ApiObject> = {
  list: () => new Promise(() => undefined),
  watch: () => {
    throw new Error('not watched in this test');
  },
};

/** Caches filled by hand, shaped as the controller manager's shared informers. */
function informers(objects: Record<string, ApiObject[]>): SharedInformers {
  const byKind = new Map<string, Informer>();
  return {
    informer<T extends ApiObject>(kind: KindRef) {
      const key = `${kind.apiVersion}/${kind.kind}`;
      let informer = byKind.get(key);
      if (!informer) {
        informer = new Informer(never, { indexers: { namespace: namespaceIndex, ownerUid: ownerUidIndex } });
        for (const obj of objects[kind.kind] ?? []) informer.cache.set(obj);
        byKind.set(key, informer);
      }
      return informer as unknown as Informer<T>;
    },
  };
}

const table = new KindTable(builtinResources);
const kind = (k: string) => table.all.find((x) => x.def.kind === k)!;

const rs = (deleting: boolean): ApiObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'rs', namespace: 'a', uid: 'rs-uid', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
});
const pod = (name: string, namespace = 'a'): ApiObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `${name}-uid`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid' }] },
});

test('owner references resolve by group and kind, whatever the version', (t) => {
  t.is(table.forOwner({ apiVersion: 'apps/v1beta2', kind: 'ReplicaSet' })?.def.kind, 'ReplicaSet');
  t.is(table.forOwner({ apiVersion: 'v1', kind: 'ReplicaSet' }), undefined, 'the core group has no ReplicaSet');
});

test('a live owner changing queues none of its dependents', (t) => {
  const inf = informers({ ReplicaSet: [rs(false)], Pod: [pod('p1'), pod('p2')] });
  t.deepEqual(keysFor(rs(false), kind('ReplicaSet'), kind('Pod'), inf), []);
});

test('a gone or deleting owner queues its dependents of its own namespace only', (t) => {
  const dependents = [pod('p1'), pod('p2'), pod('p3', 'b')];
  t.deepEqual(keysFor(rs(false), kind('ReplicaSet'), kind('Pod'), informers({ Pod: dependents })).sort(), ['a/p1', 'a/p2']);
  t.deepEqual(keysFor(rs(true), kind('ReplicaSet'), kind('Pod'), informers({ ReplicaSet: [rs(true)], Pod: dependents })).sort(), ['a/p1', 'a/p2']);
});

test('a dependent changing queues its owner only while that owner is being deleted', (t) => {
  t.deepEqual(keysFor(pod('p1'), kind('Pod'), kind('ReplicaSet'), informers({ ReplicaSet: [rs(true)], Pod: [pod('p1')] })), ['a/rs']);
  t.deepEqual(keysFor(pod('p1'), kind('Pod'), kind('ReplicaSet'), informers({ ReplicaSet: [rs(false)], Pod: [pod('p1')] })), []);
});
