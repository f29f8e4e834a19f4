import test from 'ava';
import type { Pod } from '@corral/core';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import { waitFor } from './waitFor.js';

let cp: TestControlPlane;

test.before(async () => {
  // The plugin's defaults, a kubelet-like lease renewal (10 s), and the workload controllers.
  cp = await startTestControlPlane({
    plugins: ['@corral/plugin-workloads', '@corral/plugin-node-lifecycle'],
    hollow: { nodes: 2, prefix: 'rp-' },
  });
});

test.after.always(async () => {
  await cp?.stop();
});

async function livePods(): Promise<Pod[]> {
  const list = await cp.client.list<Pod>('pods', { namespace: 'default', labelSelector: 'app=web' });
  return list.items.filter((p) => p.metadata.deletionTimestamp === undefined);
}

test("with the defaults, a lost node's Deployment pods are replaced on the other node", async (t) => {
  await cp.client.create('deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'pause' }] } } },
  });
  const placed = await waitFor('two pods bound', async () => {
    const pods = await livePods();
    return pods.length === 2 && pods.every((p) => p.spec.nodeName) ? pods : undefined;
  });
  // Lose the node holding most of them.
  const counts = new Map<string, number>();
  for (const p of placed) counts.set(p.spec.nodeName!, (counts.get(p.spec.nodeName!) ?? 0) + 1);
  const lost = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const other = lost === 'rp-0' ? 'rp-1' : 'rp-0';
  const started = Date.now();
  cp.hollow!.loseNode(lost);
  await waitFor(
    'two live pods on the other node',
    async () => {
      const pods = await livePods();
      return pods.length === 2 && pods.every((p) => p.spec.nodeName === other);
    },
    45_000,
  );
  t.log(`replaced ${counts.get(lost)} pod(s) on ${other} ${((Date.now() - started) / 1000).toFixed(1)} s after ${lost} went silent`);
  const after = await livePods();
  t.deepEqual(after.map((p) => p.spec.nodeName), [other, other], 'both replicas run on the node that is left');
});
