import test from 'ava';
import { applyMergePatch, applyPatch, MERGE_PATCH_CONTENT_TYPE, PatchError, type JsonValue } from '../../../src/server/patch/index.js';

// RFC 7386 appendix A: original, patch, result.
const rfc: [JsonValue, JsonValue, JsonValue][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

rfc.forEach(([original, patch, result], i) => {
  test(`RFC 7386 appendix A, example ${i + 1}: ${JSON.stringify(original)} + ${JSON.stringify(patch)}`, (t) => {
    const before = structuredClone(original);
    const patchBefore = structuredClone(patch);
    t.deepEqual(applyMergePatch(original, patch), result);
    t.deepEqual(original, before);
    t.deepEqual(patch, patchBefore);
  });
});

test('merge patch on an object: lists are replaced whole, null deletes, maps merge', (t) => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis' }] },
  };
  const out = applyPatch('Pod', pod, { metadata: { labels: { tier: null, env: 'prod' } }, spec: { containers: [{ name: 'a', image: 'nginx:2' }] } }, MERGE_PATCH_CONTENT_TYPE);
  t.deepEqual(out, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web', env: 'prod' } },
    spec: { containers: [{ name: 'a', image: 'nginx:2' }] },
  });
  t.is(pod.spec.containers.length, 2);
});

test('a merge patch that turns the object into a non-object is a 422', (t) => {
  const err = t.throws(() => applyPatch('Pod', { kind: 'Pod' }, '["x"]', MERGE_PATCH_CONTENT_TYPE), { instanceOf: PatchError });
  t.is(err.status, 422);
  t.regex(err.message, /must be a JSON object, not array/);
});

test('merge patch works for kinds without a strategic merge schema', (t) => {
  const crd = { kind: 'Widget', spec: { sizes: [1, 2] } };
  t.deepEqual(applyPatch('Widget', crd, { spec: { sizes: [3] } }, 'application/merge-patch+json; charset=utf-8'), {
    kind: 'Widget',
    spec: { sizes: [3] },
  });
});
