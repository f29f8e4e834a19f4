// The agent's Node: registered with its addresses, capacity, labels and agent port; its Lease
// renewed in kube-node-lease; its conditions written.
import test from 'ava';
import type { Lease, Node } from '../../src/api/index.js';
import { NODE, startAgentEnv, waitFor } from './helpers.js';

const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true, kind: 'Lease' };

test('the agent registers its node and renews its lease', async (t) => {
  const env = await startAgentEnv(t);
  const node = await env.client.get<Node>(NODES, NODE);
  t.is(node.metadata.labels?.['kubernetes.io/hostname'], NODE);
  t.truthy(node.metadata.labels?.['kubernetes.io/os']);
  t.truthy(node.metadata.labels?.['kubernetes.io/arch']);
  t.deepEqual(node.status?.addresses?.find((a) => a.type === 'InternalIP'), { type: 'InternalIP', address: '127.0.0.1' });
  t.truthy(node.status?.addresses?.find((a) => a.type === 'Hostname'));
  t.is(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, env.agent.port);
  t.is(String(node.status?.capacity?.cpu), '4');
  t.is(String(node.status?.allocatable?.memory), '8Gi');
  t.is(String(node.status?.capacity?.pods), '10');
  t.truthy(node.status?.capacity?.['ephemeral-storage']);
  t.regex(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^fake:\/\//);
  const conditions = node.status?.conditions ?? [];
  t.deepEqual(conditions.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  t.is(conditions.find((c) => c.type === 'Ready')?.status, 'True');
  t.is(conditions.find((c) => c.type === 'PIDPressure')?.status, 'False');

  const first = await env.client.get<Lease>(LEASES, NODE, { namespace: 'kube-node-lease' });
  t.is(first.spec?.holderIdentity, NODE);
  t.is(first.spec?.leaseDurationSeconds, 16);
  t.is(first.metadata.ownerReferences?.[0]?.uid, node.metadata.uid);
  const renewed = await waitFor('the lease renewed', async () => {
    const lease = await env.client.get<Lease>(LEASES, NODE, { namespace: 'kube-node-lease' });
    return lease.spec?.renewTime !== first.spec?.renewTime ? lease : undefined;
  });
  t.true(Date.parse(renewed.spec!.renewTime!) > Date.parse(first.spec!.renewTime!));

  // A heartbeat is written at least every nodeStatusMs even when nothing changes.
  const heartbeat = node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
  await waitFor('a new heartbeat', async () => {
    const n = await env.client.get<Node>(NODES, NODE);
    return n.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime !== heartbeat;
  });
});
