import test from 'ava';
import type { Node } from '@corral/core';
import { startTestControlPlane } from '@corral/core/testing';
import { SubnetAllocator } from '../src/index.js';

test('subnets: lowest free first, indexes round-trip, foreign CIDRs are not ours', (t) => {
  const a = new SubnetAllocator('10.244.0.0/16', 24);
  t.is(a.count, 256);
  t.is(a.next(new Set()), '10.244.0.0/24');
  t.is(a.next(new Set([0, 1, 3])), '10.244.2.0/24');
  t.is(a.indexOf('10.244.17.0/24'), 17);
  t.is(a.indexOf('10.245.0.0/24'), undefined);
  t.is(a.indexOf('10.244.1.0/25'), undefined);
  t.is(new SubnetAllocator('10.1.0.0/30', 30).next(new Set([0])), undefined);
  t.throws(() => new SubnetAllocator('10.244.0.0/16', 12), { message: /between the cluster CIDR's prefix/ });
});

test('every node gets its own subnet; a deleted node frees its subnet for the next one', async (t) => {
  const cp = await startTestControlPlane({
    plugins: [{ name: '@corral/plugin-node-ipam', options: { clusterCIDR: '10.230.0.0/22', nodeMaskSize: 24 } }],
    scheduler: false,
  });
  t.teardown(() => cp.stop());
  const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } }) as Node;
  await Promise.all(['n1', 'n2', 'n3', 'n4'].map((n) => cp.client.create('nodes', node(n))));
  const cidrs = async () => {
    for (let i = 0; i < 100; i++) {
      const list = await cp.client.list<Node>('nodes');
      if (list.items.every((n) => n.spec?.podCIDR)) return new Map(list.items.map((n) => [n.metadata.name!, n.spec!.podCIDR!]));
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('not every node got a subnet');
  };
  const first = await cidrs();
  t.deepEqual([...first.values()].sort(), ['10.230.0.0/24', '10.230.1.0/24', '10.230.2.0/24', '10.230.3.0/24']);

  // Full: a fifth node waits, with an event saying why; deleting one frees a subnet for it.
  await cp.client.create('nodes', node('n5'));
  const freed = first.get('n2')!;
  await cp.client.delete('nodes', 'n2');
  const after = await cidrs();
  t.is(after.get('n5'), freed);
  t.is(new Set(after.values()).size, 4);
});
