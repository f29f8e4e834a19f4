import test from 'ava';
import type { Pod, PodPhase, Service } from '@corral/core';
import { computeSubsets, endpointsLabels, HEADLESS_LABEL, resolveTargetPort } from '../src/index.js';

function service(spec: Partial<Service['spec']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  };
}

function pod(name: string, ip: string | undefined, options: { ready?: boolean; ports?: { name: string; containerPort: number }[]; phase?: PodPhase; deleting?: boolean; node?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: { app: 'web' },
      ...(options.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: options.node ?? 'node-a', containers: [{ name: 'c', ports: options.ports?.map((p) => ({ ...p, protocol: 'TCP' as const })) }] },
    status: {
      phase: options.phase ?? 'Running',
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

test('ready pods go to addresses, not-ready ones to notReadyAddresses, with targetRef and nodeName', (t) => {
  const subsets = computeSubsets(service(), [pod('b', '10.0.0.2', { ready: false }), pod('a', '10.0.0.1')]);
  t.deepEqual(subsets, [
    {
      addresses: [{ ip: '10.0.0.1', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
      notReadyAddresses: [{ ip: '10.0.0.2', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ]);
});

test('pods without an IP, terminal or terminating are left out', (t) => {
  const subsets = computeSubsets(service(), [
    pod('no-ip', undefined),
    pod('done', '10.0.0.3', { phase: 'Succeeded' }),
    pod('failed', '10.0.0.4', { phase: 'Failed' }),
    pod('leaving', '10.0.0.5', { deleting: true }),
  ]);
  t.deepEqual(subsets, []);
});

test('publishNotReadyAddresses puts every pod in addresses, terminating ones too', (t) => {
  const subsets = computeSubsets(service({ publishNotReadyAddresses: true }), [pod('a', '10.0.0.1', { ready: false }), pod('b', '10.0.0.2', { deleting: true })]);
  t.is(subsets.length, 1);
  t.deepEqual(subsets[0]!.addresses!.map((a) => a.ip), ['10.0.0.1', '10.0.0.2']);
  t.is(subsets[0]!.notReadyAddresses, undefined);
});

test('named target ports resolve per pod; a pod without the name is left out of that port, subsets group by port set', (t) => {
  const svc = service({
    ports: [
      { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' },
    ],
  });
  const subsets = computeSubsets(svc, [
    pod('a', '10.0.0.1', { ports: [{ name: 'web', containerPort: 8080 }] }),
    pod('b', '10.0.0.2', { ports: [{ name: 'web', containerPort: 8081 }] }),
    pod('c', '10.0.0.3', { ports: [{ name: 'other', containerPort: 7000 }] }),
    pod('d', '10.0.0.4', { ports: [{ name: 'web', containerPort: 8080 }] }),
  ]);
  const summary = subsets.map((s) => ({ ips: s.addresses!.map((a) => a.ip), ports: s.ports!.map((p) => `${p.name}:${p.port}`) }));
  t.deepEqual(
    summary.sort((x, y) => x.ips[0]!.localeCompare(y.ips[0]!)),
    [
      { ips: ['10.0.0.1', '10.0.0.4'], ports: ['http:8080', 'metrics:9090'] },
      { ips: ['10.0.0.2'], ports: ['http:8081', 'metrics:9090'] },
      { ips: ['10.0.0.3'], ports: ['metrics:9090'] },
    ],
  );
});

test('the same pods in another order give the same subsets', (t) => {
  const pods = [pod('a', '10.0.0.1'), pod('b', '10.0.0.2', { ready: false }), pod('c', '10.0.0.3')];
  t.deepEqual(computeSubsets(service(), pods), computeSubsets(service(), [...pods].reverse()));
});

test('a named port matches only a container port of the same protocol', (t) => {
  const p = pod('a', '10.0.0.1', { ports: [{ name: 'dns', containerPort: 53 }] });
  t.is(resolveTargetPort({ port: 53, targetPort: 'dns', protocol: 'UDP' }, p), undefined);
  t.is(resolveTargetPort({ port: 53, targetPort: 'dns', protocol: 'TCP' }, p), 53);
  t.is(resolveTargetPort({ port: 80 }, p), 80);
});

test('hostname is published under the Service its subdomain names; headless Services label their Endpoints', (t) => {
  const p = pod('a', '10.0.0.1');
  p.spec.hostname = 'a-host';
  p.spec.subdomain = 'web';
  const other = pod('b', '10.0.0.2');
  other.spec.hostname = 'b-host';
  const svc = service({ clusterIP: 'None', ports: [] });
  const subsets = computeSubsets(svc, [p, other]);
  t.deepEqual(subsets[0]!.addresses!.map((a) => a.hostname), ['a-host', undefined]);
  t.is(subsets[0]!.ports, undefined);
  t.deepEqual(endpointsLabels(svc), { app: 'web', [HEADLESS_LABEL]: '' });
  t.deepEqual(endpointsLabels(service()), { app: 'web' });
});
