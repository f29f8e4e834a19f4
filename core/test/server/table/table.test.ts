import test from 'ava';
import type { ApiObject } from '../../../src/api/index.js';
import { renderTable, toTable } from '../../../src/server/table/index.js';

const now = new Date('2024-05-01T12:00:00Z');

const pod = (name: string, namespace: string, extra: object = {}): ApiObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `uid-${name}`, labels: { app: name }, creationTimestamp: '2024-05-01T11:59:00Z' },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
  status: { phase: 'Running', podIP: '10.244.0.9', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: {} } }] },
  ...extra,
});

test('a meta.k8s.io/v1 Table with the list metadata carried over', (t) => {
  const table = toTable('Pod', [pod('a', 'default')], { now, listMeta: { resourceVersion: '42', continue: 'tok' } });
  t.is(table.apiVersion, 'meta.k8s.io/v1');
  t.is(table.kind, 'Table');
  t.deepEqual(table.metadata, { resourceVersion: '42', continue: 'tok' });
  t.deepEqual(table.columnDefinitions[1], {
    name: 'Ready',
    type: 'string',
    format: '',
    description: 'Ready containers out of all containers, sidecars included.',
    priority: 0,
  });
  for (const row of table.rows) t.is(row.cells.length, table.columnDefinitions.length);
});

test('includeObject: Metadata (the default) gives PartialObjectMetadata, Object the object, None nothing', (t) => {
  const p = pod('a', 'default');
  t.deepEqual(toTable('Pod', [p], { now }).rows[0]!.object, {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'PartialObjectMetadata',
    metadata: p.metadata,
  });
  t.is(toTable('Pod', [p], { now, includeObject: 'Object' }).rows[0]!.object, p);
  t.false('object' in toTable('Pod', [p], { now, includeObject: 'None' }).rows[0]!);
});

test('wide: false leaves out the priority-1 columns and their cells', (t) => {
  const table = toTable('Pod', [pod('a', 'default')], { now, wide: false });
  t.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
  t.deepEqual(table.rows[0]!.cells, ['a', '1/1', 'Running', '0', '60s']);
});

test('the objects are not modified, and the metadata in a row is a copy', (t) => {
  const p = pod('a', 'default');
  const before = structuredClone(p);
  const table = toTable('Pod', [p], { now });
  t.deepEqual(p, before);
  (table.rows[0]!.object!.metadata.labels as Record<string, string>)['x'] = 'y';
  t.deepEqual(p.metadata.labels, { app: 'a' });
});

test('renderTable aligns columns the way kubectl does', (t) => {
  const table = toTable('Pod', [pod('web-7d4b9c8f5-abcde', 'default'), pod('db', 'data', { spec: { nodeName: 'node-1', containers: [{ name: 'a' }, { name: 'b' }] } })], { now });
  t.is(
    renderTable(table),
    [
      'NAME                  READY   STATUS    RESTARTS   AGE',
      'web-7d4b9c8f5-abcde   1/1     Running   0          60s',
      'db                    1/2     Running   0          60s',
      '',
    ].join('\n'),
  );
  t.is(
    renderTable(table, { wide: true, noHeaders: true }),
    [
      'web-7d4b9c8f5-abcde   1/1   Running   0     60s   10.244.0.9   <none>   <none>   <none>',
      'db                    1/2   Running   0     60s   10.244.0.9   node-1   <none>   <none>',
      '',
    ].join('\n'),
  );
});

test('renderTable: --show-kind prefixes names, -A adds a NAMESPACE column', (t) => {
  const table = toTable('Deployment', [
    { kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2024-05-01T11:00:00Z' }, spec: { replicas: 2 }, status: { readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 } },
  ] as ApiObject[], { now });
  t.is(
    renderTable(table, { showKind: 'Deployment.apps', withNamespace: true }),
    'NAMESPACE   NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n' +
      'shop        deployment.apps/web   2/2     2            2           60m\n',
  );
});

test('renderTable: only the first line of a cell, control characters shown, no rows no output', (t) => {
  const table = toTable('ConfigMap', [{ kind: 'ConfigMap', metadata: { name: 'a\x1b[31mred' } }] as ApiObject[], { now });
  t.is(renderTable(table), 'NAME         DATA   AGE\na^[[31mred   0      <unknown>\n');
  const event = toTable('Event', [{ kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, message: 'line one\nline two' }] as ApiObject[], { now });
  t.regex(renderTable(event), /line one\.\.\.\n$/);
  t.is(renderTable(toTable('Pod', [], { now })), '');
});
