// A pod network whose subnet is not known yet when the agent starts (a new node: node IPAM
// assigns it after registration). The first setup waits for the subnet, then every call goes to
// the network made for it.
import type { PodNetwork, PodNetworkAttachment, PodNetworkContext, PodNetworkStatus } from '@corral/core/kernel';

export function withNodeSubnet(ctx: PodNetworkContext, fallback: string | undefined, make: (podCIDR: string) => PodNetwork): PodNetwork {
  const known = ctx.podCIDR ?? fallback;
  if (known) return make(known);
  if (!ctx.podCIDRSource) throw new Error(`node ${ctx.nodeName} has no pod subnet (spec.podCIDR): add @corral/plugin-node-ipam to the server's config, or give the network plugin a podCIDR option`);
  const source = ctx.podCIDRSource;
  let made: Promise<PodNetwork> | undefined;
  const network = () => (made ??= source().then(make));
  return {
    name: 'pending',
    setup: async (pod: PodNetworkAttachment): Promise<PodNetworkStatus> => (await network()).setup(pod),
    teardown: async (pod: PodNetworkAttachment) => (await network()).teardown(pod),
    close: async () => {
      if (made) await (await made).close();
    },
  };
}
