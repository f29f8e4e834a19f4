import test from 'ava';
import { LEASES, type ApiObject, type Lease, type Node, type Pod } from '../../src/index.js';
import { EXIT_CODE_ANNOTATION, NODE_LEASE_NAMESPACE, RUN_MS_ANNOTATION, startTestControlPlane, type TestControlPlane } from '../../src/testing/index.js';
import { waitFor as until } from '../../src/testing/index.js';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ controllers: false, hollow: { nodes: 3, leaseRenewIntervalMs: 100, prefix: 'h-' } });
});

test.after.always(async () => {
  await cp?.stop();
});


function pod(name: string, extra: { annotations?: Record<string, string>; restartPolicy?: 'Always' | 'OnFailure' | 'Never'; nodeName?: string } = {}): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { containers: [{ name: 'main', image: 'busybox' }], ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}), ...(extra.nodeName ? { nodeName: extra.nodeName } : {}) },
  } as ApiObject;
}

const getPod = (name: string): Promise<Pod> => cp.client.get<Pod>('pods', name, { namespace: 'default' });
const lease = (name: string): Promise<Lease> => cp.client.get<Lease>(LEASES, name, { namespace: NODE_LEASE_NAMESPACE });

test('registers its nodes Ready with capacity, allocatable and an address', async (t) => {
  const nodes = (await cp.client.list<Node>('nodes')).items.filter((n) => n.metadata.name!.startsWith('h-'));
  t.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['h-0', 'h-1', 'h-2']);
  for (const node of nodes) {
    t.is(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    t.is(node.status?.allocatable?.pods, 110);
    t.truthy(node.status?.capacity?.cpu);
    t.is(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, cp.hollow!.hostIP(node.metadata.name!));
  }
});

test('renews one Lease per node in kube-node-lease; a lost node stops renewing', async (t) => {
  const first = await lease('h-1');
  t.is(first.spec?.holderIdentity, 'h-1');
  t.is(first.spec?.leaseDurationSeconds, 40);
  t.is(first.metadata.ownerReferences?.[0]?.kind, 'Node');
  await until('a renewal', async () => (await lease('h-1')).spec?.renewTime !== first.spec?.renewTime);
  cp.hollow!.loseNode('h-2');
  await new Promise((r) => setTimeout(r, 200));
  const frozen = (await lease('h-2')).spec?.renewTime;
  await new Promise((r) => setTimeout(r, 400));
  t.is((await lease('h-2')).spec?.renewTime, frozen);
  cp.hollow!.reviveNode('h-2');
  await until('renewing again', async () => (await lease('h-2')).spec?.renewTime !== frozen);
});

test('a pod bound to a hollow node is marked Running and Ready', async (t) => {
  await cp.client.create('pods', pod('run-1', { nodeName: 'h-0' }));
  const running = await until('Running', async () => {
    const p = await getPod('run-1');
    return p.status?.phase === 'Running' ? p : undefined;
  });
  const status = running.status!;
  for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) t.is(status.conditions?.find((c) => c.type === type)?.status, 'True', type);
  t.regex(status.podIP!, /^10\.64\.0\.\d+$/);
  t.is(status.hostIP, cp.hollow!.hostIP('h-0'));
  t.truthy(status.startTime);
  t.is(status.containerStatuses?.[0]?.name, 'main');
  t.true(status.containerStatuses?.[0]?.ready);
  t.truthy(status.containerStatuses?.[0]?.state?.running);
});

test('the exit-code annotation ends a Never pod Succeeded or Failed', async (t) => {
  await cp.client.create('pods', pod('ok-1', { restartPolicy: 'Never', annotations: { [EXIT_CODE_ANNOTATION]: '0', [RUN_MS_ANNOTATION]: '50' } }));
  await cp.client.create('pods', pod('bad-1', { restartPolicy: 'Never', annotations: { [EXIT_CODE_ANNOTATION]: '3' } }));
  const ok = await until('Succeeded', async () => {
    const p = await getPod('ok-1');
    return p.status?.phase === 'Succeeded' ? p : undefined;
  });
  t.is(ok.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  t.is(ok.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  const bad = await until('Failed', async () => {
    const p = await getPod('bad-1');
    return p.status?.phase === 'Failed' ? p : undefined;
  });
  t.is(bad.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
});

test('OnFailure restarts a failing container, counting restarts', async (t) => {
  await cp.client.create('pods', pod('crash-1', { restartPolicy: 'OnFailure', annotations: { [EXIT_CODE_ANNOTATION]: '1', [RUN_MS_ANNOTATION]: '20' } }));
  const restarted = await until('two restarts', async () => {
    const p = await getPod('crash-1');
    return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined;
  });
  t.is(restarted.status?.phase, 'Running');
  t.is(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
  await cp.client.delete('pods', 'crash-1', { namespace: 'default', gracePeriodSeconds: 0 });
});

test('graceful deletion of a pod on a hollow node completes', async (t) => {
  await cp.client.create('pods', pod('del-1'));
  await until('Running', async () => (await getPod('del-1')).status?.phase === 'Running');
  await cp.client.delete('pods', 'del-1', { namespace: 'default' });
  await until('gone', async () => getPod('del-1').then(() => false, () => true));
  const err = await t.throwsAsync(getPod('del-1'));
  t.regex(err!.message, /not found/);
});
