import test from 'ava';
import { ManifestError, parseManifests } from '../../src/api/index.js';
import { fixture } from './helpers.js';

test('multi-document YAML yields each object with its document number and line', (t) => {
  const manifests = parseManifests(fixture('guestbook.yaml'), 'guestbook.yaml');
  t.deepEqual(
    manifests.map((m) => [m.object.kind, m.object.metadata.name, m.document, m.line]),
    [
      ['ReplicationController', 'redis-slave', 1, 2],
      ['Service', 'redis-slave', 2, 26],
      ['ReplicationController', 'frontend', 3, 38],
      ['Service', 'frontend', 4, 62],
    ],
  );
  t.true(manifests.every((m) => m.source === 'guestbook.yaml' && m.column === 1));
});

test('JSON, empty documents and List objects', (t) => {
  const json = parseManifests('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}', 'ns.json');
  t.is(json[0]?.object.metadata.name, 'a');
  t.deepEqual(parseManifests('---\n# nothing here\n---\n', 'empty.yaml'), []);
  const list = parseManifests(
    [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: a}',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: b}',
    ].join('\n'),
    'list.yaml',
  );
  t.deepEqual(list.map((m) => [m.object.metadata.name, m.line, m.column]), [['a', 4, 5], ['b', 7, 5]]);
});

test('YAML syntax errors name the source, document, line and column', (t) => {
  const text = ['apiVersion: v1', 'kind: Pod', '---', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: [unclosed'].join('\n');
  const error = t.throws(() => parseManifests(text, 'app.yaml'), { instanceOf: ManifestError });
  t.is(error?.problems.length, 1);
  t.like(error?.problems[0], { source: 'app.yaml', document: 2, line: 7 });
  t.regex(error?.message ?? '', /^app\.yaml: document 2, line 7, column \d+: /);
});

test('duplicate keys and bad indentation are located', (t) => {
  const dup = t.throws(() => parseManifests('apiVersion: v1\nkind: Pod\nkind: Service\n', 'dup.yaml'), { instanceOf: ManifestError });
  t.like(dup?.problems[0], { document: 1, line: 3, column: 1 });
  t.regex(dup?.problems[0]?.message ?? '', /unique/i);
  const indent = t.throws(() => parseManifests('metadata:\n  name: a\n bad: b\n', 'indent.yaml'), { instanceOf: ManifestError });
  t.is(indent?.problems[0]?.line, 3);
});

test('documents that are not objects, or lack apiVersion/kind, are reported with every problem', (t) => {
  const text = ['just a string', '---', 'kind: Pod', 'metadata: {name: a}', '---', 'apiVersion: v1', 'kind: Pod'].join('\n');
  const error = t.throws(() => parseManifests(text, 'mixed.yaml'), { instanceOf: ManifestError });
  t.deepEqual(error?.problems, [
    { source: 'mixed.yaml', document: 1, line: 1, column: 1, message: 'expected an object with apiVersion and kind, found a string' },
    { source: 'mixed.yaml', document: 2, line: 3, column: 1, message: "the object has no 'apiVersion'" },
  ]);
  t.is(
    error?.message,
    "mixed.yaml: document 1, line 1, column 1: expected an object with apiVersion and kind, found a string\n" +
      "mixed.yaml: document 2, line 3, column 1: the object has no 'apiVersion'",
  );
});

test('JSON syntax errors are located too', (t) => {
  const error = t.throws(() => parseManifests('{\n  "apiVersion": "v1",\n  "kind": "Pod"\n  "metadata": {}\n}', 'pod.json'), {
    instanceOf: ManifestError,
  });
  t.is(error?.problems[0]?.source, 'pod.json');
  t.is(error?.problems[0]?.line, 4);
});
