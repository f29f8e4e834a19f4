// Two nodes on one machine (network namespaces on a test underlay, see support/cluster.ts), an
// agent per node with the overlay pod network and, in turn, each proxy. Pods on different nodes
// reach each other by IP over VXLAN, and a Service answers by ClusterIP, NodePort and DNS name
// from a pod on the other node.
import test, { type ExecutionContext } from 'ava';
import { PODS, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { replyPod, startCluster, type DataPath } from './support/cluster.js';

async function scenario(t: ExecutionContext, dataPath: DataPath): Promise<void> {
  const c = await startCluster(t, { nodes: 2, dataPath });
  await c.client.create(PODS, replyPod('web-b', 'mn2', 'web', 'pong-from-b'));
  await c.client.create(PODS, replyPod('client-a', 'mn1', 'client', 'pong-from-a'));
  const [webB, clientA] = await Promise.all(['web-b', 'client-a'].map((name) => c.ready(name)));
  t.true(webB!.status!.podIP!.startsWith(c.podPrefix));

  const ask = async (host: string, port: number | string) => (await c.exec('client-a', ['busybox', 'nc', '-w', '3', host, String(port)])).text;
  const answered = (what: string, host: string, port: number | string) => waitFor(what, async () => ((await ask(host, port)) === 'pong-from-b' ? 'pong-from-b' : undefined));
  // Pod to pod across nodes, by IP, over VXLAN.
  t.is(await answered('a reply from the pod on the other node', webB!.status!.podIP!, 8080), 'pong-from-b');

  // A Service: its ClusterIP answers from a pod on the other node (node 1's proxy forwards to
  // the endpoint on node 2).
  const svc = await c.client.create<Service>('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
  });
  t.is(await answered('the Service answering on its ClusterIP', svc.spec.clusterIP!, 80), 'pong-from-b');
  t.is(clientA!.spec.nodeName, 'mn1');

  // The NodePort, on the node the pod does not run on and on the one it does.
  for (const n of c.nodes) t.is(await answered(`the NodePort on ${n.name}`, n.ip, svc.spec.ports![0]!.nodePort!), 'pong-from-b');

  // Its DNS name, through the cluster DNS's own Service (kube-dns), from the pod.
  const dns = await c.client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' });
  const lookup = await waitFor('the Service name resolving', async () => {
    const r = await c.exec('client-a', ['busybox', 'nslookup', 'web.default.svc.cluster.local', dns.spec.clusterIP!]);
    return r.text.includes(svc.spec.clusterIP!) ? r.text : undefined;
  });
  t.true(lookup.includes(svc.spec.clusterIP!));
}

test('userspace proxy: pods on two nodes talk over the overlay; a Service answers by ClusterIP, NodePort and DNS name from the other node', (t) => scenario(t, 'userspace'));
test('iptables proxy: the same, through DNAT rules in each node', (t) => scenario(t, 'iptables'));
