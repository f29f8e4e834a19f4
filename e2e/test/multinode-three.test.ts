// Three nodes (network namespaces on a test underlay, see support/cluster.ts), for each proxy:
// pods talk across nodes over the overlay; a Service whose pods run on node B answers by
// ClusterIP, NodePort (on every node) and DNS name from pods on nodes A and C; a deleted pod is
// out of rotation within a second while a retrying client sees no failure; a pod added on node C
// gets traffic from node A.
import test, { type ExecutionContext } from 'ava';
import { PODS, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { replyPod, startCluster, type DataPath, type TestCluster } from './support/cluster.js';
import { CLIENT_LOOP, type LoopResult } from './support/service-client.js';

/** What `nc` gets from host:port from inside pod `from`. */
async function ask(c: TestCluster, from: string, host: string, port: number | string): Promise<string> {
  return (await c.exec(from, ['busybox', 'nc', '-w', '2', host, String(port)])).text;
}

/** Waits for pod `from` to get an answer from host:port matching `expect`; returns it. */
function answered(c: TestCluster, what: string, from: string, host: string, port: number | string, expect: RegExp): Promise<string> {
  return waitFor(`${what} from ${from}`, async () => {
    const text = await ask(c, from, host, port);
    return expect.test(text) ? text : undefined;
  }, 30_000);
}

async function scenario(t: ExecutionContext, dataPath: DataPath): Promise<void> {
  const started = Date.now();
  const step = (what: string) => t.log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const c = await startCluster(t, { nodes: 3, dataPath });
  const [A, B, C] = c.nodes as [TestCluster['nodes'][0], TestCluster['nodes'][0], TestCluster['nodes'][0]];
  step('three nodes Ready');

  const pods = [
    replyPod('web-b1', B.name, 'web', 'pong-b1'),
    replyPod('web-b2', B.name, 'web', 'pong-b2'),
    replyPod('client-a', A.name, 'client', 'pong-a'),
    replyPod('client-c', C.name, 'client', 'pong-c'),
  ];
  for (const p of pods) await c.client.create(PODS, p);
  const [b1, b2, , clientC] = await Promise.all(pods.map((p) => c.ready(p.metadata.name!)));
  for (const p of [b1!, b2!, clientC!]) t.true(p.status!.podIP!.startsWith(c.podPrefix), `${p.metadata.name}'s IP ${p.status!.podIP} is in the cluster CIDR`);
  step('pods Ready');

  // Pod to pod across nodes, by IP, over VXLAN: A -> B, C -> B, A -> C.
  t.is(await answered(c, 'pod web-b1 on node B by IP', 'client-a', b1!.status!.podIP!, 8080, /^pong-b1$/), 'pong-b1');
  t.is(await answered(c, 'pod web-b1 on node B by IP', 'client-c', b1!.status!.podIP!, 8080, /^pong-b1$/), 'pong-b1');
  t.is(await answered(c, 'pod client-c on node C by IP', 'client-a', clientC!.status!.podIP!, 8080, /^pong-c$/), 'pong-c');
  step('pod to pod across nodes');

  const svc = await c.client.create<Service>('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
  });
  const clusterIP = svc.spec.clusterIP!;
  const nodePort = svc.spec.ports![0]!.nodePort!;
  const dns = await c.client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' });
  // From both client pods at once (each check is an exec through the API).
  const fromPod = async (from: string) => {
    // Both pods behind the ClusterIP take turns.
    const seen = new Set<string>();
    await waitFor(`both pods answering on the ClusterIP from ${from} (seen: ${[...seen].join(', ')})`, async () => {
      seen.add(await ask(c, from, clusterIP, 80));
      return seen.has('pong-b1') && seen.has('pong-b2');
    }, 30_000);
    // The NodePort on every node: the client's own, the pods' one, and the third.
    for (const n of c.nodes) t.regex(await answered(c, `the NodePort on ${n.name}`, from, n.ip, nodePort, /^pong-b[12]$/), /^pong-b[12]$/);
    const lookup = await waitFor(`web.default.svc.cluster.local resolving from ${from}`, async () => {
      const r = await c.exec(from, ['busybox', 'nslookup', 'web.default.svc.cluster.local', dns.spec.clusterIP!]);
      return r.text.includes(clusterIP) ? r.text : undefined;
    }, 30_000);
    t.true(lookup.includes(clusterIP));
  };
  await Promise.all(['client-a', 'client-c'].map(fromPod));
  step('ClusterIP, NodePort and DNS name from nodes A and C');

  // A pod deleted while a client keeps calling the Service from node A: no request fails once
  // retried, and a second after the deletion the pod no longer answers through the Service,
  // although it still answers on its own address (it ignores SIGTERM for its grace period).
  const loop = c.exec('client-a', [process.execPath, '-e', CLIENT_LOOP, clusterIP, '80', '5000']);
  await new Promise((r) => setTimeout(r, 2000));
  const deletedAt = Date.now();
  await c.client.delete(PODS, 'web-b2', { namespace: 'default' });
  await new Promise((r) => setTimeout(r, 1500));
  t.is(await ask(c, 'client-c', b2!.status!.podIP!, 8080), 'pong-b2', 'the deleted pod still serves on its own address during its grace period');
  const result = JSON.parse((await loop).text) as LoopResult;
  t.deepEqual(result.failures, [], 'no request failed after its retries');
  const late = result.answers.filter((a) => a.who === 'pong-b2' && a.at > deletedAt + 1000);
  t.deepEqual(late, [], 'the deleted pod answered through the Service more than 1 s after its deletion');
  const lastB2 = Math.max(...result.answers.filter((a) => a.who === 'pong-b2').map((a) => a.at));
  t.log(`${result.answers.length} requests, ${result.answers.filter((a) => a.retries > 0).length} retried; the deleted pod's last answer started ${lastB2 - deletedAt} ms after the deletion`);
  t.true(result.answers.some((a) => a.who === 'pong-b1' && a.at > deletedAt + 1000), 'the other pod kept answering');
  t.true(result.answers.some((a) => a.who === 'pong-b2' && a.at < deletedAt), 'both pods answered before the deletion');
  step('endpoint removal');

  // A pod added on node C gets traffic through the Service from node A (its client loop sees it
  // answer) and from node C, and through node B's NodePort.
  const adding = c.exec('client-a', [process.execPath, '-e', CLIENT_LOOP, clusterIP, '80', '60000', 'pong-c3']);
  await c.client.create(PODS, replyPod('web-c', C.name, 'web', 'pong-c3'));
  await c.ready('web-c');
  const readyAt = Date.now();
  const added = JSON.parse((await adding).text) as LoopResult;
  t.deepEqual(added.failures, [], 'no request failed while the pod was added');
  const firstC3 = added.answers.find((a) => a.who === 'pong-c3');
  t.truthy(firstC3, 'the pod added on node C answered the client on node A');
  t.log(`the pod added on node C first answered through the Service ${firstC3 ? firstC3.at - readyAt : NaN} ms after the test saw it Ready`);
  await answered(c, 'the new pod on node C through the ClusterIP', 'client-c', clusterIP, 80, /^pong-c3$/);
  await answered(c, 'the new pod on node C through the NodePort of node B', 'client-a', B.ip, nodePort, /^pong-c3$/);
  step('endpoint added on node C');
}

test('userspace proxy, three nodes: overlay, ClusterIP, NodePort and DNS from other nodes; endpoints in and out of rotation', (t) => scenario(t, 'userspace'));
test('iptables proxy, three nodes: the same, through DNAT rules in each node', (t) => scenario(t, 'iptables'));
