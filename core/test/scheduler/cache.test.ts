import test from 'ava';
import type { Pod } from '../../src/api/index.js';
import { HostPortSet, SchedulerCache, withNodeName } from '../../src/scheduler/index.js';
import { ManualClock } from '../../src/testing/clock.js';
import { node, pod } from './helpers.js';

const owned = (p: Pod, uid: string): Pod => ({ ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }] } });

test('a NodeInfo keeps its aggregates as pods come and go', (t) => {
  const cache = new SchedulerCache(new ManualClock(), 30_000);
  cache.addNode(node('n1', { cpu: '4', memory: '8Gi', pods: 10 }));
  const info = cache.nodeInfo('n1')!;
  t.is(info.allocatable.milliCpu, 4000);
  t.is(info.allowedPodNumber, 10);
  const g0 = info.generation;

  const a = owned(pod('a', { cpu: '500m', memory: '1Gi', nodeName: 'n1', hostPort: 8080 }), 'rs-1');
  const b = owned(pod('b', { nodeName: 'n1' }), 'rs-1');
  cache.addPod(a);
  cache.addPod(b);
  t.true(info.generation > g0);
  t.is(info.pods.length, 2);
  t.is(info.requested.milliCpu, 500);
  t.is(info.requested.memory, 1024 ** 3);
  t.deepEqual(info.nonZeroRequested, { milliCpu: 600, memory: 1024 ** 3 + 200 * 1024 ** 2 });
  t.true(info.usedPorts.conflicts('0.0.0.0', 'TCP', 8080));
  t.is(info.podsByController.get('rs-1'), 2);
  t.is(info.images.get('app:1'), 2);
  t.deepEqual([...cache.controllerPlacement('rs-1')], [['n1', 2]]);

  const g1 = info.generation;
  cache.removePod(a);
  t.true(info.generation > g1);
  t.deepEqual(info.pods.map((p) => p.metadata.name), ['b']);
  t.is(info.requested.milliCpu, 0);
  t.false(info.usedPorts.conflicts('0.0.0.0', 'TCP', 8080));
  t.is(info.podsByController.get('rs-1'), 1);
  cache.removePod(b);
  t.is(info.podsByController.size, 0);
  t.is(info.images.size, 0);
  t.is(cache.controllerPlacement('rs-1').size, 0);
});

test('an update moves a pod between nodes; a terminating pod keeps its resources but is no replica', (t) => {
  const cache = new SchedulerCache(new ManualClock(), 30_000);
  cache.addNode(node('n1'));
  cache.addNode(node('n2'));
  const p = owned(pod('p', { cpu: '1', nodeName: 'n1' }), 'rs-1');
  cache.addPod(p);
  const moved = { ...p, spec: { ...p.spec, nodeName: 'n2' } };
  cache.updatePod(p, moved);
  t.is(cache.nodeInfo('n1')!.requested.milliCpu, 0);
  t.is(cache.nodeInfo('n2')!.requested.milliCpu, 1000);
  const terminating = { ...moved, metadata: { ...moved.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } };
  cache.updatePod(moved, terminating);
  t.is(cache.nodeInfo('n2')!.requested.milliCpu, 1000);
  t.is(cache.nodeInfo('n2')!.podsByController.size, 0);
  t.is(cache.podCount, 1);
});

test('pods that arrive before their node are kept and counted once it arrives; a deleted node leaves the list', (t) => {
  const cache = new SchedulerCache(new ManualClock(), 30_000);
  cache.addPod(pod('early', { cpu: '1', nodeName: 'late' }));
  t.is(cache.nodeList().length, 0);
  t.is(cache.nodeInfo('late'), undefined);
  const v0 = cache.listVersion;
  cache.addNode(node('late'));
  t.true(cache.listVersion > v0);
  t.is(cache.nodeInfo('late')!.requested.milliCpu, 1000);
  cache.addNode(node('other'));
  t.deepEqual(cache.nodeList().map((n) => n.name), ['late', 'other']);
  cache.deleteNode(node('late'));
  t.deepEqual(cache.nodeList().map((n) => n.name), ['other']);
  t.is(cache.podCount, 1, 'the pod stays until it is deleted');
});

test('assumed pods: counted at once, confirmed by the informer, forgotten on failure, expired when never confirmed', (t) => {
  const clock = new ManualClock();
  const cache = new SchedulerCache(clock, 30_000);
  cache.addNode(node('n1'));
  const info = cache.nodeInfo('n1')!;
  const a = withNodeName(pod('a', { cpu: '1' }), 'n1');
  const b = withNodeName(pod('b', { cpu: '1' }), 'n1');
  const c = withNodeName(pod('c', { cpu: '1' }), 'n1');
  for (const p of [a, b, c]) cache.assumePod(p);
  t.throws(() => cache.assumePod(a), { message: /already in the scheduler cache/ });
  t.is(info.requested.milliCpu, 3000);
  t.is(cache.assumedCount, 3);

  cache.forgetPod(a); // reservation or binding failed
  t.is(info.requested.milliCpu, 2000);

  cache.finishBinding(b);
  cache.addPod(b); // the informer saw the binding
  t.false(cache.isAssumed(b));
  cache.finishBinding(c); // nobody ever confirms this one

  clock.advance(29_999);
  t.is(cache.cleanupExpiredAssumedPods(), 0);
  clock.advance(1);
  t.is(cache.cleanupExpiredAssumedPods(), 1);
  t.false(cache.has(c));
  t.true(cache.has(b));
  t.is(info.requested.milliCpu, 1000);
  cache.forgetPod(b);
  t.true(cache.has(b), 'a confirmed pod is not forgotten');
});

test('host ports: same port and protocol clash on the same IP, and 0.0.0.0 clashes with every IP', (t) => {
  const ports = new HostPortSet();
  ports.add({ hostIP: '10.0.0.1', protocol: 'TCP', port: 80 });
  t.true(ports.conflicts('10.0.0.1', 'TCP', 80));
  t.false(ports.conflicts('10.0.0.2', 'TCP', 80), 'another IP is free');
  t.false(ports.conflicts('10.0.0.1', 'UDP', 80), 'another protocol is free');
  t.true(ports.conflicts('0.0.0.0', 'TCP', 80), 'all IPs include 10.0.0.1');
  t.true(ports.conflicts(undefined, undefined, 80), 'defaults: 0.0.0.0 and TCP');
  t.false(ports.conflicts('0.0.0.0', 'TCP', 0), 'port 0 is no host port');
  ports.add({ hostIP: '0.0.0.0', protocol: 'UDP', port: 53 });
  t.true(ports.conflicts('192.168.1.1', 'UDP', 53), 'a port on all IPs takes it on every IP');
  ports.add({ hostIP: '0.0.0.0', protocol: 'UDP', port: 53 });
  ports.add({ hostIP: '0.0.0.0', protocol: 'UDP', port: 53 }, -1);
  t.true(ports.conflicts('192.168.1.1', 'UDP', 53), 'still held by the second pod');
  t.is(ports.size, 2);
});

test('services are kept per namespace', (t) => {
  const cache = new SchedulerCache(new ManualClock(), 0);
  const svc = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name } } });
  cache.addService(svc('web', 'a'));
  cache.addService(svc('db', 'a'));
  cache.addService(svc('web', 'b'));
  t.deepEqual(cache.services('a').map((s) => s.metadata.name), ['web', 'db']);
  cache.deleteService(svc('web', 'a'));
  t.deepEqual(cache.services('a').map((s) => s.metadata.name), ['db']);
  t.deepEqual(cache.services('c'), []);
});
