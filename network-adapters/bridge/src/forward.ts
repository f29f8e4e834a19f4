// The pod bridge's own accept chain in the filter table's FORWARD, so a node whose firewall drops
// forwarded traffic by default (Docker's) still passes pod-to-pod, pod-to-node and cross-node
// traffic. It lives as long as the bridge: made with it, removed with it.
import { ensureForwardAccept, haveIptables, removeForwardAccept, type ForwardAcceptRules } from '@corral/core/net';

/**
 * The rules for `bridge`: what arrives on it or leaves through it is accepted. The chain's name
 * is outside the iptables data path's prefix (`CORRAL-`), whose full syncs delete the chains of
 * that prefix they did not write.
 */
export function bridgeForwarding(bridge: string, netns?: string): ForwardAcceptRules {
  return { chain: `CRLFWD-${bridge}`, interfaces: [bridge], comment: 'corral pod network', ...(netns ? { netns } : {}) };
}

/** Makes the bridge's accept chain; a machine without iptables has no such firewall to pass. */
export async function acceptBridgeForwarding(bridge: string, netns?: string): Promise<void> {
  if (await haveIptables()) await ensureForwardAccept(bridgeForwarding(bridge, netns));
}

export async function removeBridgeForwarding(bridge: string, netns?: string): Promise<void> {
  if (await haveIptables()) await removeForwardAccept(bridgeForwarding(bridge, netns));
}
