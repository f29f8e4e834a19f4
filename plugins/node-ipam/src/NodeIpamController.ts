// Gives every Node without spec.podCIDR the lowest free subnet of the cluster CIDR (as
// kube-controller-manager's node IPAM does), through a merge patch of the Node. Subnets handed
// out but not yet seen in the cache are remembered, so two nodes registering together never
// get the same one.
import type { ControllerRegistration, KindRef, ReconcileContext } from '@corral/core/kernel';
import type { Node } from '@corral/core/api';
import type { SubnetAllocator } from './SubnetAllocator.js';

const NODE: KindRef = { apiVersion: 'v1', kind: 'Node' };

export function nodeIpamController(allocator: SubnetAllocator): ControllerRegistration {
  /** Node name -> subnet index, for assignments the cache may not show yet. */
  const pending = new Map<string, number>();

  const used = (nodes: readonly Node[]): Set<number> => {
    const out = new Set<number>(pending.values());
    for (const n of nodes) {
      const index = n.spec?.podCIDR ? allocator.indexOf(n.spec.podCIDR) : undefined;
      if (index !== undefined) out.add(index);
    }
    return out;
  };

  return {
    name: 'node-ipam',
    for: NODE,
    async reconcile(key: string, ctx: ReconcileContext): Promise<{ requeueAfterMs: number } | undefined> {
      const informer = ctx.informers.informer<Node>(NODE);
      const node = informer.cache.get(key);
      if (!node) {
        // A node went: its subnet is free, so nodes waiting for one try again.
        pending.delete(key);
        for (const waiting of informer.cache.list()) if (!waiting.spec?.podCIDR) ctx.enqueue(waiting.metadata.name!);
        return undefined;
      }
      if (node.spec?.podCIDR) {
        pending.delete(key);
        return undefined;
      }
      const nodes = informer.cache.list();
      const subnet = pending.has(key) ? allocator.subnet(pending.get(key)!) : allocator.next(used(nodes));
      if (!subnet) {
        ctx.events.event(node, 'Warning', 'CIDRNotAvailable', `Node ${key} status is now: CIDRNotAvailable (the cluster CIDR ${allocator.cluster.cidr} has no free /${allocator.nodeMaskSize} left)`);
        return { requeueAfterMs: 30_000 };
      }
      pending.set(key, allocator.indexOf(subnet)!);
      await ctx.client.patch('nodes', key, { spec: { podCIDR: subnet, podCIDRs: [subnet] } }, 'merge');
      ctx.events.event(node, 'Normal', 'CIDRAssigned', `Node ${key} got the pod subnet ${subnet}`);
      return undefined;
    },
  };
}
