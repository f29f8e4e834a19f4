// Drill: kill -9 a pod's process on a `corral up` cluster (the process runtime). The agent
// restarts it as its restartPolicy says (Always and OnFailure: restartCount 1, Running again;
// Never: Failed with 137), and a 2-replica Service keeps answering through its ClusterIP while
// one replica is killed.
import test from 'ava';
import { PODS, type Pod, type ResourceRef, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { askWeb as get, containerPid, createWebDeployment, isAlive, podWhen, startDrillCluster, NODE_NAME } from './support/drill-cluster.js';
import { Hammer } from './support/hammer.js';

const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services', namespaced: true, kind: 'Service' };

const running = (p: Pod) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready === true;
const restarts = (p: Pod) => p.status?.containerStatuses?.[0]?.restartCount ?? 0;

test('kill -9 of a pod process: restarted per restartPolicy, and the Service keeps serving', async (t) => {
  const cluster = await startDrillCluster();
  t.teardown(() => cluster.stop());
  const { client } = cluster;

  // Three lone pods, one per restartPolicy, each a `sleep` to kill.
  const policies = ['Always', 'OnFailure', 'Never'] as const;
  for (const policy of policies) {
    await client.create<Pod>(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `sleeper-${policy.toLowerCase()}`, namespace: 'default' },
      spec: { restartPolicy: policy, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo up; exec sleep 3600'] }] },
    });
  }

  // The Service: two replicas of busybox's httpd serving a file of the test's own.
  await createWebDeployment(cluster, 'hello from the drill\n');
  const service = await client.create<Service>(SERVICES, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  });
  const clusterIP = service.spec!.clusterIP!;
  t.regex(clusterIP, new RegExp(`^10\\.223\\.${cluster.subnet}\\.`));
  await waitFor('the Service answering', async () => (await get(clusterIP, 80)).ok, 30_000);

  // A client through the ClusterIP for the whole drill.
  const hammer = new Hammer(() => get(clusterIP, 80), 20, 'hello from the drill\n');
  t.teardown(() => hammer.stop());

  // Kill one replica of the Service.
  const replicas = (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items;
  t.is(replicas.length, 2);
  const victim = await podWhen(client, replicas[0]!.metadata.name!, 'Running and ready', running);
  const webPid = await containerPid(cluster, victim);
  process.kill(webPid, 'SIGKILL');
  t.log(`killed ${victim.metadata.name}'s httpd (pid ${webPid})`);

  // The lone pods.
  const pids = new Map<string, number>();
  for (const policy of policies) {
    const name = `sleeper-${policy.toLowerCase()}`;
    const pod = await podWhen(client, name, 'Running', running);
    t.is(pod.spec.nodeName, NODE_NAME);
    const pid = await containerPid(cluster, pod);
    pids.set(name, pid);
    process.kill(pid, 'SIGKILL');
  }
  for (const pid of pids.values()) await waitFor(`pid ${pid} gone`, () => !isAlive(pid));

  for (const policy of ['Always', 'OnFailure'] as const) {
    const name = `sleeper-${policy.toLowerCase()}`;
    const back = await podWhen(client, name, 'restarted once and Running', (p) => running(p) && restarts(p) === 1, 30_000);
    const status = back.status!.containerStatuses![0]!;
    t.is(status.lastState?.terminated?.exitCode, 137, `${name}: the kill is its last state`);
    const pid = await containerPid(cluster, back);
    t.not(pid, pids.get(name), `${name}: a new process`);
    t.true(isAlive(pid));
    t.is((await client.logs(name, { namespace: 'default' })), 'up\n', `${name}: the new run's log`);
  }
  const never = await podWhen(client, 'sleeper-never', 'Failed', (p) => p.status?.phase === 'Failed');
  t.is(never.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 137);
  t.is(restarts(never), 0);

  const web = await podWhen(client, victim.metadata.name!, 'the killed replica back', (p) => running(p) && restarts(p) === 1, 30_000);
  const backAt = Date.now();
  t.not(await containerPid(cluster, web), webPid);
  // A few more seconds of traffic with both replicas back.
  const before = hammer.requests;
  await waitFor('more requests after the restart', () => hammer.requests > before + 50, 30_000);
  await hammer.stop();
  t.log(`${hammer.requests} requests through ${clusterIP}, ${hammer.failures.length} failed${hammer.failures.length ? `:\n${hammer.describe()}` : ''}`);
  t.deepEqual(hammer.failedSince(backAt + 1).map((f) => f.text), [], 'no failure once the killed replica is Ready again');
  t.true((await get(clusterIP, 80)).ok);
  // Nothing else restarted: the other replica kept its process.
  const other = await client.get<Pod>(PODS, replicas[1]!.metadata.name!, { namespace: 'default' });
  t.is(restarts(other), 0);
});
