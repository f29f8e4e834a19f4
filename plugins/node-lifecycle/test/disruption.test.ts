// Disruption mode: with every node (or most of them) NotReady at once, nothing is evicted; the
// pure rules, then the controller losing every node of a cluster and getting some back.
import test from 'ava';
import type { ApiObject, Condition, Node, Pod } from '@corral/core';
import { startTestControlPlane } from '@corral/core/testing';
import { clusterHealth, EVICTIONS_PAUSED_REASON, EVICTIONS_RESUMED_REASON, isDisrupted, reconciledTaints, UNREACHABLE_TAINT_KEY } from '../src/index.js';
import { waitFor } from './waitFor.js';

test('full disruption: every node NotReady; partial: at least three and the threshold', (t) => {
  t.false(isDisrupted(0, 5, 0.55));
  t.true(isDisrupted(1, 1, 0.55), 'a one-node cluster whose node is NotReady');
  t.true(isDisrupted(2, 2, 0.55));
  t.false(isDisrupted(1, 2, 0.55));
  t.false(isDisrupted(2, 3, 0.55), 'two NotReady nodes are never a partial disruption');
  t.true(isDisrupted(3, 5, 0.55));
  t.false(isDisrupted(3, 6, 0.55));
  t.true(isDisrupted(3, 6, 0.5), 'the threshold is configurable');
});

test('clusterHealth counts silent nodes and nodes reporting Ready other than True', (t) => {
  const now = Date.parse('2026-01-01T00:01:00Z');
  const node = (name: string, status: Condition['status'], heartbeatAgoS: number): Node => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
    status: { conditions: [{ type: 'Ready', status, lastHeartbeatTime: new Date(now - heartbeatAgoS * 1000).toISOString() }] },
  });
  const nodes = [node('fresh', 'True', 1), node('silent', 'True', 30), node('false', 'False', 1), node('leased', 'True', 30)];
  const leaseOf = (name: string) => (name === 'leased' ? { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { renewTime: new Date(now - 1000).toISOString() } } : undefined);
  t.deepEqual(clusterHealth(nodes, leaseOf, now, 16_000, 0.55), { total: 4, notReady: 2, disrupted: false });
  t.deepEqual(clusterHealth(nodes.slice(1, 3), leaseOf, now, 16_000, 0.55), { total: 2, notReady: 2, disrupted: true });
  // A controller that began to watch 5 s ago (the control plane was away) gives the silent
  // node a full grace period from then: only the node reporting Ready=False counts.
  t.deepEqual(clusterHealth(nodes, leaseOf, now, 16_000, 0.55, now - 5_000), { total: 4, notReady: 1, disrupted: false });
  t.deepEqual(clusterHealth(nodes, leaseOf, now, 16_000, 0.55, now - 20_000), { total: 4, notReady: 2, disrupted: false });
});

test('in a disruption the NoExecute taints are left off (and removed), the NoSchedule one kept', (t) => {
  const now = '2026-01-01T00:00:00Z';
  const bare: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {} };
  t.deepEqual(reconciledTaints(bare, 'Unknown', now, false), [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoSchedule' }]);
  const tainted: Node = { ...bare, spec: { taints: [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoSchedule' }, { key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: now }, { key: 'mine', effect: 'NoExecute' }] } };
  t.deepEqual(reconciledTaints(tainted, 'Unknown', now, false), [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoSchedule' }, { key: 'mine', effect: 'NoExecute' }]);
  t.is(reconciledTaints(tainted, 'Unknown', now, true), undefined);
});

test('every node lost at once: nothing evicted, an event says so; nodes back: eviction resumes for the one still lost', async (t) => {
  const cp = await startTestControlPlane({
    plugins: [{ name: '@corral/plugin-node-lifecycle', options: { nodeMonitorGracePeriodSeconds: 2, podEvictionTimeoutSeconds: 1 } }],
    scheduler: false,
    hollow: { nodes: 3, prefix: 'dz-', leaseRenewIntervalMs: 300, nodeStatusIntervalMs: 500 },
  });
  t.teardown(() => cp.stop());
  const names = ['dz-0', 'dz-1', 'dz-2'];
  for (const node of names) {
    await cp.client.create<Pod>('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `on-${node}`, namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'c', image: 'pause' }] } });
  }
  const getNode = (name: string) => cp.client.get<Node>('nodes', name);
  const getPod = (name: string) => cp.client.get<Pod>('pods', name, { namespace: 'default' });
  const ready = (node: Node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const taints = (node: Node) => (node.spec?.taints ?? []).map((x) => `${x.key}:${x.effect}`).sort();
  const events = async () => (await cp.client.list<ApiObject & { reason?: string; message?: string }>('events', { namespace: 'default' })).items;
  for (const node of names) await waitFor(`on-${node} running`, async () => (await getPod(`on-${node}`)).status?.phase === 'Running');

  for (const node of names) cp.hollow!.loseNode(node);
  await waitFor('every node Unknown', async () => (await Promise.all(names.map(getNode))).every((n) => ready(n) === 'Unknown'));
  const paused = await waitFor('the paused event', async () => (await events()).find((e) => e.reason === EVICTIONS_PAUSED_REASON));
  t.regex(paused.message ?? '', /every node is NotReady/);
  // Well past grace (2 s) and eviction timeout (1 s): still nothing evicted, no NoExecute taint.
  await new Promise((r) => setTimeout(r, 4000));
  for (const node of names) {
    t.deepEqual(taints(await getNode(node)), [`${UNREACHABLE_TAINT_KEY}:NoSchedule`], node);
    t.is((await getPod(`on-${node}`)).metadata.deletionTimestamp, undefined, `on-${node} not evicted`);
  }

  cp.hollow!.reviveNode('dz-0');
  cp.hollow!.reviveNode('dz-1');
  const resumed = await waitFor('the resumed event', async () => (await events()).find((e) => e.reason === EVICTIONS_RESUMED_REASON));
  t.regex(resumed.message ?? '', /[12] of 3 nodes are Ready again/);
  await waitFor('the pod of the node still lost evicted', async () => (await getPod('on-dz-2')).metadata.deletionTimestamp !== undefined);
  t.deepEqual(taints(await getNode('dz-2')), [`${UNREACHABLE_TAINT_KEY}:NoExecute`, `${UNREACHABLE_TAINT_KEY}:NoSchedule`]);
  for (const node of ['dz-0', 'dz-1']) {
    t.is((await getPod(`on-${node}`)).metadata.deletionTimestamp, undefined, `on-${node} kept`);
    t.deepEqual(taints(await getNode(node)), []);
  }
});
