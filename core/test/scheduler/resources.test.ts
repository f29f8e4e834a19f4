import test from 'ava';
import type { Pod } from '../../src/api/index.js';
import { controllerUid, DEFAULT_MEMORY_REQUEST, nodeAllocatable, podResources, withNodeName } from '../../src/scheduler/index.js';
import { node } from './helpers.js';

const base = (spec: Partial<Pod['spec']>, metadata: Pod['metadata'] = { name: 'p' }): Pod => ({ metadata, spec: { containers: [], ...spec } });

test('containers add up; an init container raises the request only when it needs more than the sum', (t) => {
  const r = podResources(
    base({
      containers: [
        { name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi', 'nvidia.com/gpu': 1 } } },
        { name: 'b', resources: { requests: { cpu: '0.5', memory: '64Mi', 'ephemeral-storage': '1Gi' } } },
      ],
      initContainers: [
        { name: 'small', resources: { requests: { cpu: '100m' } } },
        { name: 'big', resources: { requests: { memory: '1Gi' } } },
      ],
    }),
  );
  t.is(r.requests.milliCpu, 750);
  t.is(r.requests.memory, 1024 ** 3, 'the memory-hungry init container wins');
  t.is(r.requests.ephemeralStorage, 1024 ** 3);
  t.deepEqual([...r.requests.scalar], [['nvidia.com/gpu', 1]]);
});

test('sidecars (init containers with restartPolicy Always) run beside the app and add to it', (t) => {
  const r = podResources(
    base({
      containers: [{ name: 'app', resources: { requests: { cpu: '1' } } }],
      initContainers: [
        { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
        { name: 'migrate', resources: { requests: { cpu: '1100m' } } },
      ],
    }),
  );
  // app + sidecar = 1200m; the migration runs beside the sidecar: 1100m + 200m = 1300m.
  t.is(r.requests.milliCpu, 1300);
});

test('for scoring, a container without requests counts as 100m CPU and 200Mi memory', (t) => {
  const r = podResources(base({ containers: [{ name: 'a' }, { name: 'b', resources: { requests: { cpu: '2', memory: '0' } } }] }));
  t.deepEqual(r.nonZero, { milliCpu: 2100, memory: DEFAULT_MEMORY_REQUEST });
  t.is(r.requests.milliCpu, 2000);
  t.is(r.requests.memory, 0);
});

test('host ports default to 0.0.0.0 and TCP; ports without hostPort are not host ports', (t) => {
  const r = podResources(
    base({
      containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }, { containerPort: 9000 }] }],
    }),
  );
  t.deepEqual(r.hostPorts, [
    { hostIP: '0.0.0.0', protocol: 'TCP', port: 8080 },
    { hostIP: '10.0.0.1', protocol: 'UDP', port: 53 },
  ]);
});

test('the controller is the owner reference with controller: true; copies on a node share the memo', (t) => {
  const p = base({ containers: [{ name: 'a', image: 'web:1' }] }, {
    name: 'p',
    ownerReferences: [
      { apiVersion: 'v1', kind: 'Thing', name: 'x', uid: 'not-me' },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true },
    ],
  });
  t.is(controllerUid(p), 'rs-1');
  const placed = withNodeName(p, 'n1');
  t.is(placed.spec.nodeName, 'n1');
  t.is(p.spec.nodeName, undefined);
  t.is(podResources(placed), podResources(p));
  t.deepEqual(podResources(p).images, ['web:1']);
});

test('a node offers its allocatable, else its capacity', (t) => {
  const n = node('n1', { cpu: '3500m', memory: '2Gi', pods: 20 });
  const a = nodeAllocatable(n);
  t.is(a.amounts.milliCpu, 3500);
  t.is(a.amounts.memory, 2 * 1024 ** 3);
  t.is(a.pods, 20);
  const capacityOnly = nodeAllocatable({ metadata: { name: 'c' }, status: { capacity: { cpu: 2, pods: 5 } } });
  t.is(capacityOnly.amounts.milliCpu, 2000);
  t.is(capacityOnly.pods, 5);
});
