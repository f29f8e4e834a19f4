import test from 'ava';
import type { ApiObject } from '../../../src/api/index.js';
import { toTable } from '../../../src/server/table/index.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-04-29T09:00:00Z'; // 2d3h before `now`
const meta = (name: string, extra: object = {}) => ({ name, namespace: 'default', creationTimestamp: created, ...extra });

/** Column names (upper-cased, as printed) and the cells of each object, wide columns included. */
function table(kind: string, objects: object[]): { columns: string[]; wideColumns: string[]; rows: unknown[][] } {
  const t = toTable(kind, objects as ApiObject[], { now });
  return {
    columns: t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase()),
    wideColumns: t.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name.toUpperCase()),
    rows: t.rows.map((r) => r.cells),
  };
}

test('Node: Ready/NotReady, SchedulingDisabled, roles, version and the wide node info', (t) => {
  const node = (name: string, ready: 'True' | 'False', extra: object = {}) => ({
    kind: 'Node',
    metadata: meta(name, { namespace: undefined, labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra' } }),
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }],
      addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: name }],
      nodeInfo: { kubeletVersion: 'v0.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'containerd://1.6.20' },
    },
    ...extra,
  });
  const got = table('Node', [node('n1', 'True'), node('n2', 'False', { spec: { unschedulable: true } }), { kind: 'Node', metadata: { name: 'n3' } }]);
  t.deepEqual(got.columns, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  t.deepEqual(got.wideColumns, ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
  t.deepEqual(got.rows[0], ['n1', 'Ready', 'control-plane,infra', '2d3h', 'v0.1.0', '192.168.1.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.6.20']);
  t.is(got.rows[1]![1], 'NotReady,SchedulingDisabled');
  t.deepEqual(got.rows[2], ['n3', 'Unknown', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});

test('Service: type, cluster IP, external IP per type, ports with node ports, selector', (t) => {
  const svc = (name: string, spec: object, status: object = {}) => ({ kind: 'Service', metadata: meta(name), spec, status });
  const got = table('Service', [
    svc('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }] }),
    svc('web', { type: 'NodePort', clusterIP: '10.96.4.2', ports: [{ port: 80, nodePort: 30001, protocol: 'TCP' }, { port: 53, nodePort: 30053, protocol: 'UDP' }], selector: { tier: 'front', app: 'web' } }),
    svc('lb', { type: 'LoadBalancer', clusterIP: '10.96.7.7', ports: [{ port: 80, nodePort: 31000 }] }, { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } }),
    svc('pending', { type: 'LoadBalancer', clusterIP: '10.96.7.8', ports: [] }),
    svc('db', { type: 'ExternalName', externalName: 'db.example.com' }),
    svc('headless', { clusterIP: 'None', externalIPs: ['198.51.100.1'] }),
  ]);
  t.deepEqual(got.columns, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
  t.deepEqual(got.wideColumns, ['SELECTOR']);
  t.deepEqual(got.rows[0], ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '2d3h', '<none>']);
  t.deepEqual(got.rows[1], ['web', 'NodePort', '10.96.4.2', '<none>', '80:30001/TCP,53:30053/UDP', '2d3h', 'app=web,tier=front']);
  t.deepEqual(got.rows[2]!.slice(0, 5), ['lb', 'LoadBalancer', '10.96.7.7', '203.0.113.10', '80:31000/TCP']);
  t.deepEqual(got.rows[3]!.slice(3, 5), ['<pending>', '<none>']);
  t.deepEqual(got.rows[4]!.slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
  t.deepEqual(got.rows[5]!.slice(1, 4), ['ClusterIP', 'None', '198.51.100.1']);
});

test('Endpoints: ip:port pairs, at most three, then how many more', (t) => {
  const got = table('Endpoints', [
    { kind: 'Endpoints', metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.7' }], ports: [{ port: 80 }, { port: 443 }] }] },
    { kind: 'Endpoints', metadata: meta('v6'), subsets: [{ addresses: [{ ip: 'fd00::5' }], ports: [{ port: 8080 }] }] },
    { kind: 'Endpoints', metadata: meta('headless'), subsets: [{ addresses: [{ ip: '10.244.1.9' }] }] },
    { kind: 'Endpoints', metadata: meta('empty') },
  ]);
  t.deepEqual(got.columns, ['NAME', 'ENDPOINTS', 'AGE']);
  t.deepEqual(got.rows.map((r) => r[1]), ['10.244.1.5:80,10.244.2.7:80,10.244.1.5:443 + 1 more...', '[fd00::5]:8080', '10.244.1.9', '<none>']);
});

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'log', image: 'fluentd:v1' }] } };

test('ReplicationController and ReplicaSet: DESIRED, CURRENT, READY; wide CONTAINERS, IMAGES, SELECTOR', (t) => {
  const rc = table('ReplicationController', [{ kind: 'ReplicationController', metadata: meta('rc'), spec: { replicas: 3, selector: { app: 'web' }, template }, status: { replicas: 3, readyReplicas: 2 } }]);
  t.deepEqual(rc.columns, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  t.deepEqual(rc.wideColumns, ['CONTAINERS', 'IMAGES', 'SELECTOR']);
  t.deepEqual(rc.rows[0], ['rc', 3, 3, 2, '2d3h', 'web,log', 'nginx:1.25,fluentd:v1', 'app=web']);
  const rs = table('ReplicaSet', [
    {
      kind: 'ReplicaSet',
      metadata: meta('web-7d4b9c8f5'),
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'canary', operator: 'DoesNotExist' }] }, template },
      status: { replicas: 2 },
    },
  ]);
  t.deepEqual(rs.rows[0], ['web-7d4b9c8f5', 2, 2, 0, '2d3h', 'web,log', 'nginx:1.25,fluentd:v1', 'app=web,!canary,env in (dev,prod)']);
});

test('Deployment: READY as ready/desired, UP-TO-DATE, AVAILABLE', (t) => {
  const d = table('Deployment', [
    { kind: 'Deployment', metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } },
  ]);
  t.deepEqual(d.columns, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  t.deepEqual(d.rows[0], ['web', '2/3', 3, 2, '2d3h', 'web,log', 'nginx:1.25,fluentd:v1', 'app=web']);
});

test('Job: STATUS, COMPLETIONS, DURATION', (t) => {
  const job = (name: string, spec: object, status: object) => ({ kind: 'Job', metadata: meta(name), spec: { template, ...spec }, status });
  const j = table('Job', [
    job('batch', { completions: 5, parallelism: 2 }, { succeeded: 1, active: 2, startTime: '2024-05-01T11:57:00Z' }),
    job('done', {}, { succeeded: 1, startTime: '2024-05-01T10:00:00Z', completionTime: '2024-05-01T10:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] }),
    job('wide', { parallelism: 3 }, { conditions: [{ type: 'Failed', status: 'True' }] }),
    job('held', { suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }),
  ]);
  t.deepEqual(j.columns, ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
  t.deepEqual(j.rows.map((r) => r.slice(0, 5)), [
    ['batch', 'Running', '1/5', '3m', '2d3h'],
    ['done', 'Complete', '1/1', '42s', '2d3h'],
    ['wide', 'Failed', '0/1 of 3', '', '2d3h'],
    ['held', 'Suspended', '0/1', '', '2d3h'],
  ]);
  t.deepEqual(j.rows[0]!.slice(5), ['web,log', 'nginx:1.25,fluentd:v1', '<none>']);
});

test('CronJob: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE', (t) => {
  const c = table('CronJob', [
    { kind: 'CronJob', metadata: meta('nightly'), spec: { schedule: '0 3 * * *', timeZone: 'Etc/UTC', jobTemplate: { spec: { template } } }, status: { active: [{ name: 'nightly-1' }], lastScheduleTime: '2024-05-01T11:59:00Z' } },
    { kind: 'CronJob', metadata: meta('paused'), spec: { schedule: '*/5 * * * *', suspend: true, jobTemplate: { spec: { template } } } },
  ]);
  t.deepEqual(c.columns, ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
  t.deepEqual(c.rows.map((r) => r.slice(0, 7)), [
    ['nightly', '0 3 * * *', 'Etc/UTC', false, 1, '60s', '2d3h'],
    ['paused', '*/5 * * * *', '<none>', true, 0, '<none>', '2d3h'],
  ]);
});

test('Namespace, ConfigMap, Secret, Lease', (t) => {
  t.deepEqual(table('Namespace', [{ kind: 'Namespace', metadata: meta('prod'), status: { phase: 'Active' } }]).rows[0], ['prod', 'Active', '2d3h']);
  const cm = table('ConfigMap', [{ kind: 'ConfigMap', metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }]);
  t.deepEqual(cm.columns, ['NAME', 'DATA', 'AGE']);
  t.deepEqual(cm.rows[0], ['cfg', 3, '2d3h']);
  const secret = table('Secret', [{ kind: 'Secret', metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }]);
  t.deepEqual(secret.columns, ['NAME', 'TYPE', 'DATA', 'AGE']);
  t.deepEqual(secret.rows[0], ['tls', 'kubernetes.io/tls', 2, '2d3h']);
  const lease = table('Lease', [{ kind: 'Lease', metadata: meta('corral-scheduler'), spec: { holderIdentity: 'host-a_1234' } }]);
  t.deepEqual(lease.columns, ['NAME', 'HOLDER', 'AGE']);
  t.deepEqual(lease.rows[0], ['corral-scheduler', 'host-a_1234', '2d3h']);
});

test('Event: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; wide adds the rest in kubectl order', (t) => {
  const e = table('Event', [
    {
      kind: 'Event',
      metadata: meta('web-1.17c'),
      involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container\n',
      type: 'Warning',
      source: { component: 'agent', host: 'node-1' },
      firstTimestamp: '2024-05-01T11:00:00Z',
      lastTimestamp: '2024-05-01T11:59:30Z',
      count: 12,
    },
    { kind: 'Event', metadata: meta('n.1'), involvedObject: { kind: 'Node' }, reason: 'Starting', type: 'Normal', eventTime: '2024-05-01T11:58:00Z', reportingComponent: 'corral' },
  ]);
  t.deepEqual(e.columns, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  t.deepEqual(e.wideColumns, ['SUBOBJECT', 'SOURCE', 'FIRST SEEN', 'COUNT', 'NAME']);
  t.deepEqual(e.rows[0], ['30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'agent, node-1', 'Back-off restarting failed container', '60m', 12, 'web-1.17c']);
  t.deepEqual(e.rows[1], ['2m', 'Normal', 'Starting', 'node', '', 'corral', '', '2m', 1, 'n.1']);
});

test('a kind without its own printer gets NAME and AGE', (t) => {
  const g = table('Widget', [{ kind: 'Widget', metadata: meta('w') }, { kind: 'Widget', metadata: { name: 'x' } }]);
  t.deepEqual(g.columns, ['NAME', 'AGE']);
  t.deepEqual(g.rows, [['w', '2d3h'], ['x', '<unknown>']]);
});

test('a printer passed in the options prints a kind this module does not know', (t) => {
  const table = toTable('Widget', [{ kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } }] as ApiObject[], {
    now,
    printer: {
      columns: [{ name: 'Name', type: 'string', format: 'name', description: 'name', priority: 0 }, { name: 'Size', type: 'integer', format: '', description: 'size', priority: 0 }],
      cells: (obj) => [obj.metadata.name ?? '', (obj['spec'] as { size: number }).size],
    },
  });
  t.deepEqual(table.rows[0]!.cells, ['w', 3]);
});
