import test from 'ava';
import type { ApiObject, Condition, Lease, Node, Pod, Toleration } from '@corral/core';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import { EVICTION_REASON, NODE_STATUS_UNKNOWN, NOT_READY_TAINT_KEY, UNREACHABLE_TAINT_KEY } from '../src/index.js';
import { waitFor } from './waitFor.js';

let cp: TestControlPlane;
const LOST = 'nl-0';
const HEALTHY = 'nl-1';

test.before(async () => {
  cp = await startTestControlPlane({
    plugins: [{ name: '@corral/plugin-node-lifecycle', options: { nodeMonitorGracePeriodSeconds: 2, podEvictionTimeoutSeconds: 1 } }],
    scheduler: false,
    hollow: { nodes: 2, prefix: 'nl-', leaseRenewIntervalMs: 300, nodeStatusIntervalMs: 500 },
  });
});

test.after.always(async () => {
  await cp?.stop();
});

const unreachable = (seconds?: number): Toleration[] => [
  { key: UNREACHABLE_TAINT_KEY, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) },
];

/** A pod bound to `node`, reported Running and Ready (as the node's agent would; the test does not wait for it). */
async function podOn(node: string, name: string, tolerations?: Toleration[]): Promise<void> {
  await cp.client.create<Pod>('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'pause' }], ...(tolerations ? { tolerations } : {}) },
  });
  const status = { phase: 'Running', podIP: '10.99.0.1', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] };
  await cp.client.patch('pods', name, { status }, 'merge', { namespace: 'default', subresource: 'status' });
}

const getPod = (name: string) => cp.client.get<Pod>('pods', name, { namespace: 'default' });
const getNode = (name: string) => cp.client.get<Node>('nodes', name);
const ready = (obj: { status?: { conditions?: Condition[] } }) => obj.status?.conditions?.find((c) => c.type === 'Ready');
const taintKeys = (node: Node) => (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

test('a node whose heartbeats stop goes Unknown, is tainted, loses its pods but the tolerating ones, and recovers', async (t) => {
  await podOn(LOST, 'plain');
  await podOn(LOST, 'tolerates-briefly', unreachable(2));
  await podOn(LOST, 'tolerates-forever', unreachable());
  await podOn(HEALTHY, 'elsewhere');
  for (const name of ['plain', 'tolerates-briefly', 'tolerates-forever', 'elsewhere']) {
    await waitFor(`${name} ready`, async () => ready(await getPod(name))?.status === 'True');
  }

  cp.hollow!.loseNode(LOST);
  const lost = await waitFor('the node Unknown and tainted', async () => {
    const node = await getNode(LOST);
    return ready(node)?.status === 'Unknown' && taintKeys(node).length === 2 ? node : undefined;
  });
  const condition = lost.status!.conditions!.find((c) => c.type === 'Ready')!;
  t.is(condition.reason, NODE_STATUS_UNKNOWN);
  t.is(condition.message, 'Kubelet stopped posting node status.');
  t.deepEqual(taintKeys(lost), [`${UNREACHABLE_TAINT_KEY}:NoExecute`, `${UNREACHABLE_TAINT_KEY}:NoSchedule`]);

  // Marked not ready at once, so Services drop them before any eviction.
  await waitFor('pods on the lost node not ready', async () => ready(await getPod('tolerates-forever'))?.status === 'False');

  await waitFor('the plain pod evicted', async () => (await getPod('plain')).metadata.deletionTimestamp !== undefined);
  await waitFor('the briefly tolerating pod evicted', async () => (await getPod('tolerates-briefly')).metadata.deletionTimestamp !== undefined);
  const forever = await getPod('tolerates-forever');
  t.is(forever.metadata.deletionTimestamp, undefined, 'a pod tolerating the taint for good stays');
  const events = await cp.client.list<ApiObject & { reason?: string; involvedObject: { name?: string } }>('events', { namespace: 'default' });
  t.true(events.items.some((e) => e.reason === EVICTION_REASON && e.involvedObject.name === 'plain'));

  const healthy = await getNode(HEALTHY);
  t.is(ready(healthy)?.status, 'True');
  t.deepEqual(taintKeys(healthy), []);
  t.is((await getPod('elsewhere')).metadata.deletionTimestamp, undefined);

  cp.hollow!.reviveNode(LOST);
  const back = await waitFor('the node Ready without taints', async () => {
    const node = await getNode(LOST);
    return ready(node)?.status === 'True' && taintKeys(node).length === 0 ? node : undefined;
  });
  t.is(ready(back)?.reason, 'HollowReady');
  t.is((await getPod('tolerates-forever')).metadata.deletionTimestamp, undefined);
});

test('a node that heartbeats but reports Ready=False is tainted not-ready until it reports Ready', async (t) => {
  const node = await cp.client.create<Node>('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'nl-manual' } });
  const report = (status: 'True' | 'False') =>
    cp.client.patch('nodes', 'nl-manual', { status: { conditions: [{ type: 'Ready', status, reason: 'Manual', lastHeartbeatTime: new Date().toISOString() }] } }, 'strategic', { subresource: 'status' });
  await report('False');
  const lease: Lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'nl-manual', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'nl-manual', leaseDurationSeconds: 2, renewTime: new Date().toISOString() },
  };
  await cp.client.create('leases', lease, { namespace: 'kube-node-lease' });
  const renew = setInterval(() => {
    void cp.client
      .patch('leases', 'nl-manual', { spec: { renewTime: new Date().toISOString() } }, 'merge', { namespace: 'kube-node-lease' })
      .catch(() => undefined);
  }, 300);
  try {
    const tainted = await waitFor('not-ready taints', async () => {
      const n = await getNode('nl-manual');
      return taintKeys(n).length === 2 ? n : undefined;
    });
    t.deepEqual(taintKeys(tainted), [`${NOT_READY_TAINT_KEY}:NoExecute`, `${NOT_READY_TAINT_KEY}:NoSchedule`]);
    t.is(ready(tainted)?.status, 'False', 'the agent is heard: its own condition stays');
    await report('True');
    await waitFor('taints gone', async () => taintKeys(await getNode('nl-manual')).length === 0);
  } finally {
    clearInterval(renew);
    await cp.client.delete('leases', 'nl-manual', { namespace: 'kube-node-lease' }).catch(() => undefined);
    await cp.client.delete('nodes', node.metadata.name!).catch(() => undefined);
  }
});

test("a deleted node's pods are deleted outright: no agent is left to finish them", async (t) => {
  await cp.client.create<Node>('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'nl-gone' } });
  await podOn('nl-gone', 'on-gone-node');
  await cp.client.delete('pods', 'on-gone-node', { namespace: 'default' });
  t.truthy((await getPod('on-gone-node')).metadata.deletionTimestamp, 'bound: it waits for an agent');
  await cp.client.delete('nodes', 'nl-gone');
  await waitFor('the pod gone', async () => {
    try {
      await getPod('on-gone-node');
      return false;
    } catch {
      return true;
    }
  });
});
