import test from 'ava';
import type { Pod } from '../../src/index.js';
import { startTestControlPlane, type TestControlPlane } from '../../src/testing/index.js';
import { addNode, createAll, eventsAbout, getPod, newPods, node, until } from './helpers.js';

const planes: TestControlPlane[] = [];
async function plane(options: Parameters<typeof startTestControlPlane>[0]): Promise<TestControlPlane> {
  const cp = await startTestControlPlane({ controllers: false, ...options });
  planes.push(cp);
  return cp;
}

test.after.always(async () => {
  await Promise.all(planes.map((cp) => cp.stop()));
});

test('pods are bound to hollow nodes, marked PodScheduled by the binding, Running by the agent, with Scheduled events', async (t) => {
  const cp = await plane({ hollow: { nodes: 3, leases: false } });
  const pods = newPods(9, { prefix: 'web-', cpu: '100m', memory: '64Mi' });
  await createAll(cp.client, pods);
  const running = await until('nine running pods', async () => {
    const list = await cp.client.list<Pod>('pods', { namespace: 'default' });
    return list.items.length === 9 && list.items.every((p) => p.status?.phase === 'Running') ? list.items : undefined;
  });
  const nodes = new Set(running.map((p) => p.spec.nodeName));
  t.deepEqual([...nodes].sort(), ['hollow-node-0', 'hollow-node-1', 'hollow-node-2'], 'spread over every node');
  for (const pod of running) {
    t.is(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
    t.truthy(pod.status?.podIP);
    t.is(pod.status?.hostIP, cp.hollow!.hostIP(pod.spec.nodeName!));
  }
  const events = await until('the Scheduled event of web-0', async () => (await eventsAbout(cp.client, 'web-0')).find((e) => e.reason === 'Scheduled'));
  const web0 = running.find((p) => p.metadata.name === 'web-0')!;
  t.is(events.type, 'Normal');
  t.is(events.message, `Successfully assigned default/web-0 to ${web0.spec.nodeName}`);
  t.is(events.source?.component, 'default-scheduler');
});

test('an unschedulable pod gets PodScheduled=False and a FailedScheduling event, and is placed once a fitting node is added', async (t) => {
  const cp = await plane({ hollow: { nodes: 3, leases: false, memory: '4Gi' } });
  await createAll(cp.client, newPods(1, { prefix: 'big-', memory: '64Gi' }));
  const condition = await until('PodScheduled=False', async () => (await getPod(cp.client, 'big-0')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
  t.is(condition.reason, 'Unschedulable');
  t.is(condition.message, '0/3 nodes are available: 3 Insufficient memory.');
  const failed = await until('FailedScheduling', async () => (await eventsAbout(cp.client, 'big-0')).find((e) => e.reason === 'FailedScheduling'));
  t.is(failed.type, 'Warning');
  t.is(failed.message, '0/3 nodes are available: 3 Insufficient memory.');

  await addNode(cp.client, node('roomy', '128Gi'));
  const bound = await until('big-0 bound', async () => {
    const pod = await getPod(cp.client, 'big-0');
    return pod.spec.nodeName ? pod : undefined;
  });
  t.is(bound.spec.nodeName, 'roomy');
  t.is(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
});

test('spec.schedulerName picks the profile; pods of an unknown scheduler are left alone', async (t) => {
  const cp = await plane({
    hollow: { nodes: 2, leases: false, memory: '4Gi' },
    config: {
      scheduler: {
        profiles: [
          { name: 'default-scheduler' },
          { name: 'no-fit', plugins: { preFilter: { disabled: ['NodeResourcesFit'] }, filter: { disabled: ['NodeResourcesFit'] }, score: { disabled: ['NodeResourcesFit'] } } },
        ],
      },
    },
  });
  await createAll(cp.client, [
    ...newPods(1, { prefix: 'strict-', memory: '64Gi' }),
    ...newPods(1, { prefix: 'lax-', memory: '64Gi', schedulerName: 'no-fit' }),
    ...newPods(1, { prefix: 'foreign-', schedulerName: 'someone-else' }),
  ]);
  const lax = await until('lax-0 bound', async () => {
    const pod = await getPod(cp.client, 'lax-0');
    return pod.spec.nodeName ? pod : undefined;
  });
  t.regex(lax.spec.nodeName!, /^hollow-node-/);
  const scheduled = await until('Scheduled event from no-fit', async () => (await eventsAbout(cp.client, 'lax-0')).find((e) => e.reason === 'Scheduled'));
  t.is(scheduled.source?.component, 'no-fit');
  await until('strict-0 refused', async () => (await getPod(cp.client, 'strict-0')).status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
  const foreign = await getPod(cp.client, 'foreign-0');
  t.is(foreign.spec.nodeName, undefined);
  t.falsy(foreign.status?.conditions?.some((c) => c.type === 'PodScheduled'));
});

test('pods asking for the same hostPort land on different nodes; one too many is refused with the ports message', async (t) => {
  const cp = await plane({ hollow: { nodes: 2, leases: false } });
  await createAll(cp.client, newPods(3, { prefix: 'port-', hostPort: 8080 }));
  const condition = await until('one pod refused', async () => {
    const list = await cp.client.list<Pod>('pods', { namespace: 'default' });
    const bound = list.items.filter((p) => p.spec.nodeName);
    const refused = list.items.map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')).find(Boolean);
    return bound.length === 2 && refused ? { bound, refused } : undefined;
  });
  t.not(condition.bound[0]!.spec.nodeName, condition.bound[1]!.spec.nodeName);
  t.is(condition.refused!.message, "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.");
});
