// The Store contract as tests: one suite, run against every backend (embedded.contract.test.ts,
// etcd.contract.test.ts). Each test opens its own store (for etcd: its own key prefix).
import type { ExecutionContext, TestFn } from 'ava';
import { objectKey, prefixKey, StoreError, type Store, type Watch, type WatchEvent } from '../../src/store/index.js';

/** An API-layer style interface (no index signature): the store's generics must accept it. */
export interface TestObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string };
  spec?: { n?: number; note?: string };
}

export interface Harness {
  store: Store<TestObj>;
  cleanup(): Promise<void>;
}

export interface Tuning {
  /** Events a watch may fall behind before it is ended. */
  watchBacklog?: number;
}

export interface ContractOptions {
  name: string;
  open(tuning?: Tuning): Promise<Harness>;
}

export function obj(name: string, n = 0, namespace = 'default'): TestObj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, uid: `uid-${name}` }, spec: { n, note: 'x'.repeat(64) } };
}

const rv = (o: TestObj): number => Number(o.metadata.resourceVersion);

/** Reads `n` events, failing if they do not arrive within `ms`. */
export async function take<T>(w: Watch<T>, n: number, ms = 10_000): Promise<WatchEvent<T>[]> {
  const it = w[Symbol.asyncIterator]();
  const out: WatchEvent<T>[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${out.length} of ${n} events`)), Math.max(1, deadline - Date.now()));
    });
    try {
      const r = await Promise.race([it.next(), timeout]);
      if (r.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(r.value);
    } finally {
      clearTimeout(timer);
    }
  }
  return out;
}

/** Resolves with the next event, or undefined if none comes within `ms`. */
async function nextWithin<T>(w: Watch<T>, ms: number): Promise<WatchEvent<T> | undefined> {
  try {
    return (await take(w, 1, ms))[0];
  } catch (err) {
    if (/timed out/.test((err as Error).message)) return undefined;
    throw err;
  }
}

export function contractSuite(test: TestFn, opts: ContractOptions): void {
  type Body = (t: ExecutionContext, store: Store<TestObj>) => Promise<void>;
  const define = (title: string, body: Body, extra: { tuning?: Tuning; serial?: boolean } = {}) => {
    (extra.serial ? test.serial : test)(`${opts.name}: ${title}`, async (t) => {
      const h = await opts.open(extra.tuning);
      t.teardown(() => h.cleanup());
      await body(t, h.store);
    });
  };
  // Compaction is global in etcd: those tests run serially, before the concurrent ones.
  const serial = { serial: true };

  define('create stamps resourceVersion; get returns the same object', async (t, store) => {
    const key = objectKey('configmaps', 'default', 'a');
    const before = await store.currentRevision();
    const input = obj('a', 1);
    const created = await store.create(key, input);
    t.true(rv(created) > before);
    t.is(input.metadata.resourceVersion, undefined, 'the input object is not modified');
    t.deepEqual(created, { ...input, metadata: { ...input.metadata, resourceVersion: created.metadata.resourceVersion } });
    t.deepEqual(await store.get(key), created);
    t.true((await store.currentRevision()) >= rv(created));
    // Values handed out are copies: changing one does not change the store.
    const got = await store.get(key);
    got.spec!.n = 99;
    t.is((await store.get(key)).spec!.n, 1);
  });

  define('create of an object carrying a resourceVersion stores the new revision', async (t, store) => {
    const key = objectKey('configmaps', 'default', 'b');
    const o = obj('b');
    o.metadata.resourceVersion = '12345';
    const created = await store.create(key, o);
    t.not(created.metadata.resourceVersion, '12345');
    t.is((await store.get(key)).metadata.resourceVersion, created.metadata.resourceVersion);
  });

  define('create of an existing key fails with AlreadyExists', async (t, store) => {
    const key = objectKey('configmaps', 'default', 'dup');
    const first = await store.create(key, obj('dup'));
    const err = await t.throwsAsync(store.create(key, obj('dup', 2)), { instanceOf: StoreError });
    t.is(err.code, 'AlreadyExists');
    t.is(err.key, key);
    t.regex(err.message, /dup.*already exists/);
    t.deepEqual(await store.get(key), first);
  });

  define('get of a missing key fails with NotFound naming the key', async (t, store) => {
    const key = objectKey('configmaps', 'default', 'missing');
    const err = await t.throwsAsync(store.get(key), { instanceOf: StoreError });
    t.is(err.code, 'NotFound');
    t.is(err.key, key);
    t.true(err.message.includes(key));
  });

  define('update: by resourceVersion, unconditional, Conflict, NotFound', async (t, store) => {
    const key = objectKey('configmaps', 'default', 'u');
    const v1 = await store.create(key, obj('u', 1));
    const v2 = await store.update(key, { ...v1, spec: { n: 2 } });
    t.true(rv(v2) > rv(v1));
    t.is((await store.get(key)).spec!.n, 2);

    const stale = await t.throwsAsync(store.update(key, { ...v1, spec: { n: 3 } }), { instanceOf: StoreError });
    t.is(stale.code, 'Conflict');
    t.is(stale.key, key);
    t.true(stale.message.includes(v1.metadata.resourceVersion!), 'names the expected version');
    t.true(stale.message.includes(v2.metadata.resourceVersion!), 'names the current version');
    t.is((await store.get(key)).spec!.n, 2);

    const blind = { ...obj('u', 4) };
    const v3 = await store.update(key, blind);
    t.true(rv(v3) > rv(v2));
    t.is((await store.get(key)).spec!.n, 4);

    const missing = objectKey('configmaps', 'default', 'nope');
    await t.throwsAsync(store.update(missing, obj('nope')), { code: 'NotFound' });
    await t.throwsAsync(store.update(missing, { ...obj('nope'), metadata: { name: 'nope', resourceVersion: '0' } }), { code: 'NotFound' });
    await t.throwsAsync(store.update(missing, { ...obj('nope'), metadata: { name: 'nope', resourceVersion: String(rv(v3)) } }), { code: 'NotFound' });
    await t.throwsAsync(store.get(missing), { code: 'NotFound' }, 'a failed update creates nothing');
  });

  define('delete returns the last value at the delete revision; preconditions', async (t, store) => {
    const key = objectKey('configmaps', 'default', 'd');
    const v1 = await store.create(key, obj('d', 1));
    const v2 = await store.update(key, { ...v1, spec: { n: 2 } });

    const wrongRv = await t.throwsAsync(store.delete(key, { resourceVersion: v1.metadata.resourceVersion }), { instanceOf: StoreError });
    t.is(wrongRv.code, 'Conflict');
    const wrongUid = await t.throwsAsync(store.delete(key, { uid: 'someone-else' }), { instanceOf: StoreError });
    t.is(wrongUid.code, 'Conflict');
    t.true(wrongUid.message.includes('someone-else'));
    t.deepEqual(await store.get(key), v2, 'failed deletes leave the object');

    const last = await store.delete(key, { resourceVersion: v2.metadata.resourceVersion, uid: 'uid-d' });
    t.true(rv(last) > rv(v2), 'stamped with the delete revision');
    t.deepEqual(last.spec, { n: 2 });
    await t.throwsAsync(store.get(key), { code: 'NotFound' });
    await t.throwsAsync(store.delete(key), { code: 'NotFound' });

    const again = await store.create(key, obj('d', 5));
    t.true(rv(again) > rv(last));
    const gone = await store.delete(key);
    t.is(gone.spec!.n, 5);
  });

  define('list: prefix boundaries, key order, revisions', async (t, store) => {
    const names = ['c', 'a', 'b'];
    for (const n of names) await store.create(objectKey('configmaps', 'ns', n), obj(n, 0, 'ns'));
    await store.create(objectKey('configmaps', 'ns2', 'x'), obj('x', 0, 'ns2'));
    await store.create(objectKey('configmaps', undefined, 'cluster-wide'), obj('cluster-wide'));
    await store.create(objectKey('secrets', 'ns', 'a'), obj('a', 0, 'ns'));

    const inNs = await store.list(prefixKey('configmaps', 'ns'));
    t.deepEqual(inNs.items.map((i) => i.metadata.name), ['a', 'b', 'c']);
    t.is(inNs.continue, undefined);
    for (const item of inNs.items) t.true(rv(item) <= inNs.revision);
    t.true(inNs.revision >= Math.max(...inNs.items.map(rv)));

    const all = await store.list(prefixKey('configmaps'));
    t.deepEqual(all.items.map((i) => i.metadata.name), ['cluster-wide', 'a', 'b', 'c', 'x']);
    t.is((await store.list(prefixKey('configmaps', 'none'))).items.length, 0);
  });

  define('list at an older revision sees the state of that revision', async (t, store) => {
    const p = prefixKey('configmaps', 'hist');
    const a1 = await store.create(objectKey('configmaps', 'hist', 'a'), obj('a', 1, 'hist'));
    const b1 = await store.create(objectKey('configmaps', 'hist', 'b'), obj('b', 1, 'hist'));
    const at = rv(b1);
    await store.update(objectKey('configmaps', 'hist', 'a'), { ...a1, spec: { n: 2 } });
    await store.delete(objectKey('configmaps', 'hist', 'b'));
    await store.create(objectKey('configmaps', 'hist', 'c'), obj('c', 1, 'hist'));

    const then = await store.list(p, { revision: at });
    t.is(then.revision, at);
    t.deepEqual(then.items, [a1, b1]);
    const now = await store.list(p);
    t.deepEqual(now.items.map((i) => [i.metadata.name, i.spec!.n]), [['a', 2], ['c', 1]]);
    const before = await store.list(p, { revision: rv(a1) });
    t.deepEqual(before.items, [a1]);
  });

  define('list and watch at a future revision fail clearly', async (t, store) => {
    const future = (await store.currentRevision()) + 1_000_000;
    const err = await t.throwsAsync(store.list(prefixKey('configmaps'), { revision: future }), { instanceOf: StoreError });
    t.is(err.code, 'FutureRevision');
    t.true(err.message.includes(String(future)));
    await t.throwsAsync(store.watch(prefixKey('configmaps'), { revision: future }), { code: 'FutureRevision' });
  });

  define('paging: limit/continue read one snapshot while writes go on', async (t, store) => {
    const ns = 'paged';
    const p = prefixKey('configmaps', ns);
    const names = Array.from({ length: 25 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    const originals = [];
    for (const n of names) originals.push(await store.create(objectKey('configmaps', ns, n), obj(n, 0, ns)));

    const page1 = await store.list(p, { limit: 10 });
    t.is(page1.items.length, 10);
    t.is(page1.remainingItemCount, 15);
    t.truthy(page1.continue);

    // Writes after the first page: none of them may show in the later pages.
    await Promise.all([
      store.create(objectKey('configmaps', ns, 'item-00a'), obj('item-00a', 0, ns)),
      store.create(objectKey('configmaps', ns, 'item-99'), obj('item-99', 0, ns)),
      store.update(objectKey('configmaps', ns, 'item-15'), obj('item-15', 7, ns)),
      store.delete(objectKey('configmaps', ns, 'item-20')),
      store.delete(objectKey('configmaps', ns, 'item-24')),
    ]);

    const page2 = await store.list(p, { limit: 10, continue: page1.continue! });
    t.is(page2.revision, page1.revision);
    t.is(page2.remainingItemCount, 5);
    const page3 = await store.list(p, { limit: 10, continue: page2.continue! });
    t.is(page3.revision, page1.revision);
    t.is(page3.continue, undefined);
    t.is(page3.remainingItemCount, undefined);
    t.deepEqual([...page1.items, ...page2.items, ...page3.items], originals);

    const exact = await store.list(p, { limit: 25 });
    t.is(exact.items.length, 25);
    t.is(exact.continue, undefined, 'no continue when everything fit');
  });

  define('continue tokens: malformed or from another list are InvalidArgument', async (t, store) => {
    for (const n of ['a', 'b', 'c']) await store.create(objectKey('configmaps', 'tok', n), obj(n, 0, 'tok'));
    const page = await store.list(prefixKey('configmaps', 'tok'), { limit: 1 });
    await t.throwsAsync(store.list(prefixKey('configmaps', 'tok'), { continue: 'garbage!!' }), { code: 'InvalidArgument' });
    await t.throwsAsync(store.list(prefixKey('secrets', 'tok'), { continue: page.continue! }), { code: 'InvalidArgument' });
  });

  define(
    'compaction: older list, continue and watch get Compacted; the compaction point still reads',
    async (t, store) => {
      const key = objectKey('configmaps', 'compact', 'k');
      const other = objectKey('configmaps', 'compact', 'l');
      let cur = await store.create(key, obj('k', 0, 'compact'));
      await store.create(other, obj('l', 0, 'compact'));
      const page = await store.list(prefixKey('configmaps', 'compact'), { limit: 1 });
      const revs = [rv(cur)];
      for (let i = 1; i <= 5; i++) {
        cur = await store.update(key, { ...cur, spec: { n: i } });
        revs.push(rv(cur));
      }
      const point = revs[3]!;
      await store.compact(point);
      await store.compact(point); // again: a no-op

      const listErr = await t.throwsAsync(store.list(prefixKey('configmaps', 'compact'), { revision: revs[2]! }), { instanceOf: StoreError });
      t.is(listErr.code, 'Compacted');
      t.true(listErr.message.includes(String(revs[2])));
      const atPoint = await store.list(prefixKey('configmaps', 'compact'), { revision: point });
      t.deepEqual(atPoint.items.map((i) => [i.metadata.name, i.spec!.n]), [['k', 3], ['l', 0]]);

      await t.throwsAsync(store.list(prefixKey('configmaps', 'compact'), { continue: page.continue! }), { code: 'Compacted' });
      await t.throwsAsync(store.watch(prefixKey('configmaps', 'compact'), { revision: point - 2 }), { code: 'Compacted' });

      // From point - 1 = every change from the compaction point on.
      const w = await store.watch(prefixKey('configmaps', 'compact'), { revision: point - 1 });
      const events = await take(w, 3);
      w.stop();
      t.deepEqual(events.map((e) => e.revision), [revs[3], revs[4], revs[5]]);
      t.deepEqual(events.map((e) => e.object.spec!.n), [3, 4, 5]);

      await t.throwsAsync(store.compact((await store.currentRevision()) + 1_000_000), { code: 'FutureRevision' });
    },
    serial,
  );

  define('watch from now: ADDED, MODIFIED, DELETED with objects and previous objects', async (t, store) => {
    const p = prefixKey('configmaps', 'w');
    const key = objectKey('configmaps', 'w', 'a');
    const w = await store.watch(p);
    const a1 = await store.create(key, obj('a', 1, 'w'));
    await store.create(objectKey('configmaps', 'w2', 'a'), obj('a', 1, 'w2')); // another prefix
    const a2 = await store.update(key, { ...a1, spec: { n: 2 } });
    const gone = await store.delete(key);
    const b = await store.create(objectKey('configmaps', 'w', 'b'), obj('b', 1, 'w'));
    const [added, modified, deleted, addedB] = await take(w, 4);
    w.stop();

    t.deepEqual(added, { type: 'ADDED', key, object: a1, revision: rv(a1) });
    t.is(modified!.type, 'MODIFIED');
    t.deepEqual(modified!.object, a2);
    t.deepEqual(modified!.prevObject, a1);
    t.is(modified!.revision, rv(a2));
    t.is(deleted!.type, 'DELETED');
    t.is(deleted!.revision, rv(gone));
    t.deepEqual(deleted!.object, gone, 'the last value, stamped with the delete revision');
    t.deepEqual(deleted!.prevObject, a2);
    t.is(addedB!.key, objectKey('configmaps', 'w', 'b'), 'the write under another prefix was not delivered');
    t.deepEqual(addedB!.object, b);
  });

  define('watch from a revision replays history in order', async (t, store) => {
    const p = prefixKey('configmaps', 'replay');
    const start = await store.currentRevision();
    const acked: number[] = [];
    let a = await store.create(objectKey('configmaps', 'replay', 'a'), obj('a', 0, 'replay'));
    acked.push(rv(a));
    for (let i = 1; i <= 4; i++) {
      a = await store.update(objectKey('configmaps', 'replay', 'a'), { ...a, spec: { n: i } });
      acked.push(rv(a));
    }
    acked.push(rv(await store.delete(objectKey('configmaps', 'replay', 'a'))));
    const w = await store.watch(p, { revision: start });
    const events = await take(w, 6);
    t.deepEqual(events.map((e) => e.revision), acked);
    t.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    // Nothing more: the watch is at the head.
    t.is(await nextWithin(w, 200), undefined);
    w.stop();

    const fromMiddle = await store.watch(p, { revision: acked[2]! });
    t.deepEqual((await take(fromMiddle, 3)).map((e) => e.revision), acked.slice(3));
    fromMiddle.stop();
  });

  define('watch under concurrent writers: every acknowledged write once, in revision order', async (t, store) => {
    const ns = 'conc';
    const p = prefixKey('configmaps', ns);
    const start = await store.currentRevision();
    const w = await store.watch(p, { revision: start });
    const acked: Array<{ key: string; rev: number; type: string }> = [];
    let lateWatch: Watch<TestObj> | undefined;
    let lateFrom = 0;
    const writer = async (id: number) => {
      for (let i = 0; i < 12; i++) {
        const key = objectKey('configmaps', ns, `w${id}-${i}`);
        let o = await store.create(key, obj(`w${id}-${i}`, 0, ns));
        acked.push({ key, rev: rv(o), type: 'ADDED' });
        o = await store.update(key, { ...o, spec: { n: 1 } });
        acked.push({ key, rev: rv(o), type: 'MODIFIED' });
        if (i % 3 === 0) {
          const d = await store.delete(key, { resourceVersion: o.metadata.resourceVersion });
          acked.push({ key, rev: rv(d), type: 'DELETED' });
        }
        if (id === 0 && i === 5) {
          lateFrom = rv(o);
          lateWatch = await store.watch(p, { revision: lateFrom });
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, id) => writer(id)));
    const events = await take(w, acked.length);
    t.is(await nextWithin(w, 300), undefined, 'no event beyond the acknowledged writes');
    w.stop();

    for (let i = 1; i < events.length; i++) t.true(events[i]!.revision > events[i - 1]!.revision, 'strictly increasing');
    const sorted = [...acked].sort((a, b) => a.rev - b.rev);
    t.deepEqual(events.map((e) => ({ key: e.key, rev: e.revision, type: e.type })), sorted);
    for (const e of events) t.is(rv(e.object), e.revision);

    const expectedLate = sorted.filter((a) => a.rev > lateFrom);
    const late = await take(lateWatch!, expectedLate.length);
    lateWatch!.stop();
    t.deepEqual(late.map((e) => e.revision), expectedLate.map((a) => a.rev));
  });

  define('watch: stop() ends the iteration; break stops the watch', async (t, store) => {
    const p = prefixKey('configmaps', 'stop');
    const w = await store.watch(p);
    const seen: string[] = [];
    const loop = (async () => {
      for await (const ev of w) seen.push(ev.key);
    })();
    await store.create(objectKey('configmaps', 'stop', 'a'), obj('a', 0, 'stop'));
    while (seen.length < 1) await new Promise((r) => setTimeout(r, 5));
    w.stop();
    await loop;
    t.deepEqual(seen, [objectKey('configmaps', 'stop', 'a')]);

    const w2 = await store.watch(p, { revision: (await store.currentRevision()) - 1 });
    await store.create(objectKey('configmaps', 'stop', 'b'), obj('b', 0, 'stop'));
    for await (const ev of w2) {
      t.truthy(ev.key);
      break;
    }
    const again = await w2[Symbol.asyncIterator]().next();
    t.true(again.done);
  });

  define(
    'watch: a consumer that falls far behind gets WatchOverflow, never a gap',
    async (t, store) => {
      const ns = 'slow';
      const w = await store.watch(prefixKey('configmaps', ns));
      // A second watch that keeps reading: once it has everything, so has the idle one.
      const probe = await store.watch(prefixKey('configmaps', ns));
      const probed = take(probe, 300, 30_000);
      const revs: number[] = [];
      for (let i = 0; i < 60; i++) {
        const batch = await Promise.all(
          Array.from({ length: 5 }, (_, j) => store.create(objectKey('configmaps', ns, `o${i}-${j}`), obj(`o${i}-${j}`, 0, ns))),
        );
        revs.push(...batch.map(rv));
      }
      revs.sort((a, b) => a - b);
      t.deepEqual((await probed).map((e) => e.revision), revs);
      probe.stop();
      await new Promise((r) => setTimeout(r, 100));
      const got: number[] = [];
      const err = await t.throwsAsync(
        (async () => {
          for await (const ev of w) got.push(ev.revision);
        })(),
        { instanceOf: StoreError },
      );
      t.is(err.code, 'WatchOverflow');
      t.true(got.length < revs.length);
      t.deepEqual(got, revs.slice(0, got.length), 'what was delivered has no gap');
    },
    { tuning: { watchBacklog: 50 } },
  );

  define('concurrent conflicting writes: exactly one wins', async (t, store) => {
    const key = objectKey('configmaps', 'race', 'x');
    const v = await store.create(key, obj('x', 0, 'race'));
    const updates = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.update(key, { ...v, spec: { n: i + 1 } })));
    t.is(updates.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of updates) if (r.status === 'rejected') t.is((r.reason as StoreError).code, 'Conflict');
    const winner = (updates.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<TestObj>).value;
    t.deepEqual(await store.get(key), winner);

    const creates = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.create(objectKey('configmaps', 'race', 'y'), obj('y', i, 'race'))),
    );
    t.is(creates.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of creates) if (r.status === 'rejected') t.is((r.reason as StoreError).code, 'AlreadyExists');

    const deletes = await Promise.allSettled(
      Array.from({ length: 5 }, () => store.delete(key, { resourceVersion: winner.metadata.resourceVersion })),
    );
    t.is(deletes.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of deletes) if (r.status === 'rejected') t.regex((r.reason as StoreError).code, /^(Conflict|NotFound)$/);
  });

  define('invalid input is InvalidArgument', async (t, store) => {
    const key = objectKey('configmaps', 'bad', 'x');
    await t.throwsAsync(store.create(key, null as unknown as TestObj), { code: 'InvalidArgument' });
    await t.throwsAsync(store.create('', obj('x')), { code: 'InvalidArgument' });
    await t.throwsAsync(store.list(prefixKey('configmaps'), { limit: -1 }), { code: 'InvalidArgument' });
    await t.throwsAsync(store.list(prefixKey('configmaps'), { revision: 1.5 }), { code: 'InvalidArgument' });
    await store.create(key, obj('x'));
    await t.throwsAsync(store.update(key, { ...obj('x'), metadata: { name: 'x', resourceVersion: 'abc' } }), { code: 'InvalidArgument' });
  });

  test(`${opts.name}: a closed store answers Unavailable`, async (t) => {
    const h = await opts.open();
    t.teardown(() => h.cleanup());
    await h.store.close();
    const err = await t.throwsAsync(h.store.get(objectKey('configmaps', 'default', 'a')), { instanceOf: StoreError });
    t.is(err.code, 'Unavailable');
    t.regex(err.message, /closed/);
    await t.throwsAsync(h.store.create(objectKey('configmaps', 'default', 'a'), obj('a')), { code: 'Unavailable' });
  });
}
