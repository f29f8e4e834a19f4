import test from 'ava';
import { JsonPathError, JsonPathTemplate, jsonPath, relaxedJsonPath } from '../../src/cli/output/jsonpath.js';

// The expected outputs are what kubectl 1.32 prints for the same template and object.
const obj = {
  apiVersion: 'example.com/v1',
  kind: 'Foo',
  metadata: { name: 'cm', labels: { 'kubernetes.io/hostname': 'h1' } },
  data: { a: '1' },
  things: [
    { name: 'x', n: 3, f: 1.5, b: true, z: null, arr: [1, 2], m: { k: 'v' } },
    { name: 'y', n: 10, type: 'Ready' },
  ],
};

const cases: [string, string][] = [
  ['{.things[*].name}', 'x y'],
  ['{.things[0].m}', '{"k":"v"}'],
  ['{.things[0].arr}', '[1,2]'],
  ['{.things[0].z}', 'null'],
  ['{.things[0].f} {.things[0].b} {.things[0].n}', '1.5 true 3'],
  ['{.things[?(@.n>5)].name}', 'y'],
  ['{.things[?(@.n>=10)].name}', 'y'],
  ['{.things[?(@.n<5)].name}', 'x'],
  ['{.things[?(@.type)].name}', 'y'],
  ['{.things[?(@.name=="x")].n}', '3'],
  ["{.things[?(@.name!='x')].name}", 'y'],
  ['{.things[?(@.b==true)].name}', 'x'],
  ['{range .things[*]}[{.name}]{"\\n"}{end}', '[x]\n[y]\n'],
  ['{range .things[*]}{.name}{","}{end}', 'x,y,'],
  ['{range .things[*]}{range .arr[*]}<{@}>{end}{end}', '<1><2>'],
  ['{.metadata.labels.kubernetes\\.io/hostname}', 'h1'],
  ['{.missing}', ''],
  ['{.things[0].missing.deeper}', ''],
  ['{.things[*].missing}', ''],
  ['{..name}', 'cm x y'],
  ['{..k}', 'v'],
  ['{.things[-1].name}', 'y'],
  ["{.things[*]['name','n']}", 'x y 3 10'],
  ['{.things}', '[{"arr":[1,2],"b":true,"f":1.5,"m":{"k":"v"},"n":3,"name":"x","z":null},{"n":10,"name":"y","type":"Ready"}]'],
  ['{.things[*]}', '{"arr":[1,2],"b":true,"f":1.5,"m":{"k":"v"},"n":3,"name":"x","z":null} {"n":10,"name":"y","type":"Ready"}'],
  ['{.things.name}', ''],
  ['{@.kind}', 'Foo'],
  ['{$.kind}', 'Foo'],
  ['{.things[0:1].name}', 'x'],
  ['{.things[0].arr[1:]}', '2'],
  ['{.things[*].arr[*]}', '1 2'],
  ['{.things[*].m.k}', 'v'],
  ['a\\tb{.kind}\\n', 'a\\tbFoo\\n'],
  ['{"{"}', '{'],
  ['{.metadata.name}{"\\t"}{.kind}', 'cm\tFoo'],
  ['{.things[0].name} {.things[1].m}', 'x '],
  ['{.things[0].arr[0]}{.things[0].n}', '13'],
  ['.kind', '.kind'],
];

for (const [template, expected] of cases) {
  test(`jsonpath ${template}`, (t) => {
    t.is(jsonPath(template, obj), expected);
  });
}

test('the conditions idiom kubectl users write', (t) => {
  const pod = { status: { conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'False' }] } };
  t.is(jsonPath('{.status.conditions[?(@.type=="Ready")].status}', pod), 'False');
  const list = { items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] };
  t.is(jsonPath('{range .items[*]}{.metadata.name}{"\\n"}{end}', list), 'a\nb\n');
  t.is(jsonPath('{.items[*].metadata.name}', list), 'a b');
});

test('errors: out-of-bounds index, unclosed action, stray end, bad index; missing keys when not allowed', (t) => {
  t.throws(() => jsonPath('{.things[5]}', obj), { instanceOf: JsonPathError, message: 'array index out of bounds: index 5, length 2' });
  t.throws(() => jsonPath('{.kind', obj), { message: 'error parsing jsonpath {.kind, unclosed action' });
  t.throws(() => jsonPath('{.kind} {end}', obj), { message: /not in range, nothing to end/ });
  t.throws(() => jsonPath('{range .things[*]}{.name}', obj), { message: /no \{end\}/ });
  t.throws(() => jsonPath('{.things[x]}', obj), { message: /invalid array index "x"/ });
  t.throws(() => jsonPath('{.nope}', obj, { allowMissingKeys: false }), { message: 'nope is not found' });
});

test('values() gives a single path\'s raw values; relaxedJsonPath accepts kubectl\'s loose forms', (t) => {
  t.deepEqual(new JsonPathTemplate('{.things[*].n}').values(obj), [3, 10]);
  t.is(relaxedJsonPath('.metadata.name'), '{.metadata.name}');
  t.is(relaxedJsonPath('metadata.name'), '{.metadata.name}');
  t.is(relaxedJsonPath('{.metadata.name}'), '{.metadata.name}');
  t.is(relaxedJsonPath("['kind']"), "{['kind']}");
});

test('Go-style JSON: HTML characters escaped as encoding/json does', (t) => {
  t.is(jsonPath('{.a}', { a: { s: '<b>&' } }), '{"s":"\\u003cb\\u003e\\u0026"}');
});
