import test from 'ava';
import { applyJsonPatch, PatchError, type JsonValue } from '../../../src/server/patch/index.js';

// RFC 6902 appendix A, one test per example.
const rfc: [string, JsonValue, JsonValue, JsonValue][] = [
  ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
  ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
  ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
  ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  [
    'A.6 moving a value',
    { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  ],
  [
    'A.7 moving an array element',
    { foo: ['all', 'grass', 'cows', 'eat'] },
    [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    { foo: ['all', 'cows', 'eat', 'grass'] },
  ],
  [
    'A.8 testing a value: success',
    { baz: 'qux', foo: ['a', 2, 'c'] },
    [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    { baz: 'qux', foo: ['a', 2, 'c'] },
  ],
  ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
  ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
  ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
  ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
];

for (const [title, doc, patch, expected] of rfc) {
  test(`RFC 6902 ${title}`, (t) => {
    t.deepEqual(applyJsonPatch(doc, patch), expected);
  });
}

const rfcErrors: [string, JsonValue, JsonValue][] = [
  ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
  ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
  ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
];

for (const [title, doc, patch] of rfcErrors) {
  test(`RFC 6902 ${title}`, (t) => {
    const err = t.throws(() => applyJsonPatch(doc, patch), { instanceOf: PatchError });
    t.is(err.status, 422);
    t.is(err.operation, 0);
  });
}

test('a failed operation names its index and path, and nothing is half applied', (t) => {
  const doc = { metadata: { labels: { a: '1' } }, spec: { replicas: 1 } };
  const patch = [
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'test', path: '/metadata/labels/a', value: '1' },
    { op: 'remove', path: '/metadata/annotations/x' },
  ];
  const err = t.throws(() => applyJsonPatch(doc, patch), { instanceOf: PatchError });
  t.is(err.operation, 2);
  t.is(err.field, '/metadata/annotations/x');
  t.regex(err.message, /operation 2 \(remove "\/metadata\/annotations\/x"\)/);
  t.deepEqual(doc, { metadata: { labels: { a: '1' } }, spec: { replicas: 1 } });
});

test('copy, replace of the whole document, and escaped keys', (t) => {
  const doc = { metadata: { labels: { app: 'web' } } };
  t.deepEqual(
    applyJsonPatch(doc, [
      { op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' },
      { op: 'add', path: '/metadata/annotations/corral.dev~1owner', value: 'me' },
      { op: 'add', path: '/metadata/annotations/a~0b', value: 'tilde' },
    ]),
    { metadata: { labels: { app: 'web' }, annotations: { app: 'web', 'corral.dev/owner': 'me', 'a~b': 'tilde' } } },
  );
  t.deepEqual(applyJsonPatch(doc, [{ op: 'replace', path: '', value: { kind: 'Pod' } }]), { kind: 'Pod' });
});

test('values taken from the patch are copies: a later op cannot reach back into the patch', (t) => {
  const value = { list: [1] };
  const patch = [
    { op: 'add', path: '/x', value },
    { op: 'add', path: '/x/list/-', value: 2 },
  ];
  t.deepEqual(applyJsonPatch({}, patch), { x: { list: [1, 2] } });
  t.deepEqual(value, { list: [1] });
});

test('bad indexes and bad pointers', (t) => {
  const doc = { a: [1, 2] };
  t.is(t.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/a/3', value: 0 }]), { instanceOf: PatchError }).status, 422);
  t.is(t.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/a/01', value: 0 }]), { instanceOf: PatchError }).status, 422);
  t.is(t.throws(() => applyJsonPatch(doc, [{ op: 'remove', path: '/a/-' }]), { instanceOf: PatchError }).status, 422);
  t.deepEqual(applyJsonPatch(doc, [{ op: 'add', path: '/a/2', value: 3 }]), { a: [1, 2, 3] });
  t.is(t.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/b', value: 3 }]), { instanceOf: PatchError }).status, 422);
  const bad = t.throws(() => applyJsonPatch(doc, [{ op: 'add', path: 'a', value: 0 }]), { instanceOf: PatchError });
  t.is(bad.status, 400);
  t.regex(bad.message, /must be empty or start with "\/"/);
  t.is(t.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/a~2', value: 0 }]), { instanceOf: PatchError }).status, 400);
});

test('a move into its own child is refused; a move onto itself changes nothing', (t) => {
  const doc = { a: { b: 1 } };
  t.regex(t.throws(() => applyJsonPatch(doc, [{ op: 'move', from: '/a', path: '/a/b/c' }]))?.message ?? '', /own children/);
  t.deepEqual(applyJsonPatch(doc, [{ op: 'move', from: '/a', path: '/a' }]), doc);
});

test('malformed operations are 400s that name the operation', (t) => {
  const cases: [unknown, RegExp][] = [
    [[{ op: 'add', path: '/x' }], /operation 0: "add" needs a "value"/],
    [[{ op: 'jump', path: '/x' }], /"op" must be one of/],
    [[{ op: 'add', path: '/x', value: 1 }, { op: 'move', path: '/y' }], /operation 1: "move" needs a string "from"/],
    [['remove /x'], /operation 0: must be an object/],
  ];
  for (const [patch, message] of cases) {
    const err = t.throws(() => applyJsonPatch({}, patch), { instanceOf: PatchError });
    t.is(err.status, 400);
    t.regex(err.message, message);
  }
});

test('a value of null is a value, and test compares objects regardless of key order', (t) => {
  t.deepEqual(applyJsonPatch({}, [{ op: 'add', path: '/x', value: null }]), { x: null });
  t.notThrows(() =>
    applyJsonPatch({ a: { x: 1, y: [1, { z: 2 }] } }, [{ op: 'test', path: '/a', value: { y: [1, { z: 2 }], x: 1 } }]),
  );
});

test('a member named __proto__ is an ordinary member', (t) => {
  const out = applyJsonPatch({}, JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":true}}]')) as Record<string, unknown>;
  t.true(Object.hasOwn(out, '__proto__'));
  t.is(({} as Record<string, unknown>)['polluted'], undefined);
  t.is(Object.getPrototypeOf(out), Object.prototype);
});
