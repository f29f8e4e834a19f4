import { join } from 'node:path';
import type { ComponentContext, CorralPlugin, KindRef, PodNetwork, PodNetworkContext, RunningComponent } from '@corral/core/kernel';
import type { Node } from '@corral/core/api';
import { BridgeNetwork, withNodeSubnet } from '@corral/network-bridge';
import Joi from 'joi';
import { PodMtu } from './PodMtu.js';
import { Vxlan, VXLAN_OVERHEAD, type Peer } from './Vxlan.js';

export const PLUGIN_NAME = 'OverlayNetworkPlugin';
export const NETWORK_NAME = 'overlay';
/** Where each node publishes its end of the overlay. */
export const VTEP_MAC_ANNOTATION = 'overlay.corral.dev/vtep-mac';
export const UNDERLAY_IP_ANNOTATION = 'overlay.corral.dev/public-ip';

export interface OverlayPluginOptions {
  /** The node-local bridge; default "corral0". */
  bridge?: string;
  /** Default "corral.1". */
  device?: string;
  vni?: number;
  port?: number;
  /** Pods' MTU; default the VXLAN device's (the underlay interface's less VXLAN's 50 bytes). */
  mtu?: number;
  /** This node's underlay address; default the node's first address. */
  underlayAddress?: string;
}

/** How long a pod's setup waits for the overlay component to make the device (it waits up to 60 s for the node's subnet). */
const DEVICE_WAIT_MS = 90_000;

const NODE: KindRef = { apiVersion: 'v1', kind: 'Node' };

const optionsSchema = Joi.object<OverlayPluginOptions>({
  bridge: Joi.string().max(15).pattern(/^[A-Za-z0-9_.-]+$/),
  device: Joi.string().max(15).pattern(/^[A-Za-z0-9_.-]+$/),
  vni: Joi.number().integer().min(1).max(16_777_215),
  port: Joi.number().integer().min(1).max(65535),
  mtu: Joi.number().integer().min(576).max(9000),
  underlayAddress: Joi.string().ip({ version: ['ipv4'] }),
});

/** The other nodes that have published their end, as peers. */
export function peersOf(nodes: readonly Node[], self: string): Peer[] {
  const peers: Peer[] = [];
  for (const n of nodes) {
    const a = n.metadata.annotations ?? {};
    const mac = a[VTEP_MAC_ANNOTATION];
    const underlay = a[UNDERLAY_IP_ANNOTATION];
    if (n.metadata.name === self || !n.spec?.podCIDR || !mac || !underlay) continue;
    peers.push({ name: n.metadata.name!, podCIDR: n.spec.podCIDR, underlayIP: underlay, vtepMAC: mac });
  }
  return peers.sort((x, y) => (x.name < y.name ? -1 : 1));
}

/** The bridge network, its pods' MTU that of the VXLAN device unless the options set one. */
function podNetwork(ctx: PodNetworkContext, options: OverlayPluginOptions, podMtu: PodMtu): PodNetwork {
  return withNodeSubnet(ctx, undefined, (podCIDR) => {
    const make = (mtu: number) => new BridgeNetwork({ bridge: options.bridge ?? 'corral0', podCIDR, stateDir: join(ctx.rootDir, 'network', 'overlay'), mtu });
    if (options.mtu) return make(options.mtu);
    let made: Promise<PodNetwork> | undefined;
    const network = () =>
      (made ??= podMtu.get(DEVICE_WAIT_MS).then(make, (err: unknown) => {
        made = undefined;
        throw err;
      }));
    return {
      name: NETWORK_NAME,
      setup: async (pod) => (await network()).setup(pod),
      teardown: async (pod) => (await network()).teardown(pod),
      close: async () => {
        if (made) await (await made).close();
      },
    };
  });
}

async function startOverlay(options: OverlayPluginOptions, ctx: ComponentContext, podMtu: PodMtu): Promise<RunningComponent> {
  try {
    return await runOverlay(options, ctx, podMtu);
  } catch (err) {
    podMtu.fail(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

async function runOverlay(options: OverlayPluginOptions, ctx: ComponentContext, podMtu: PodMtu): Promise<RunningComponent> {
  const nodeName = ctx.nodeName;
  if (!nodeName) throw new Error('the overlay runs in an agent: it needs the node name');
  const informer = ctx.informers.informer<Node>(NODE);
  await informer.waitForSync();
  // The node's subnet comes from node IPAM; wait for it (the agent registered the Node).
  let self = informer.cache.get(nodeName);
  for (let i = 0; !self?.spec?.podCIDR && i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    self = informer.cache.get(nodeName);
  }
  if (!self?.spec?.podCIDR) throw new Error(`node ${nodeName} has no spec.podCIDR after 60 s: is the node IPAM plugin (@corral/plugin-node-ipam) in the server's config?`);
  const localIP = options.underlayAddress ?? ctx.nodeIPs?.[0];
  if (!localIP) throw new Error(`node ${nodeName}: no underlay address (set the ${PLUGIN_NAME} option underlayAddress)`);
  const vxlan = new Vxlan({ device: options.device ?? 'corral.1', vni: options.vni ?? 1, port: options.port ?? 8472, localIP, podCIDR: self.spec.podCIDR });
  const mac = await vxlan.ensure();
  if (vxlan.replaced) ctx.logger.info(`overlay: made the VXLAN device ${vxlan.options.device} again, its settings were not Corral's: ${vxlan.replaced}`);
  const deviceMtu = await vxlan.deviceMtu();
  if (options.mtu && options.mtu > deviceMtu) {
    ctx.logger.warn(`overlay: pods' MTU ${options.mtu} is more than the VXLAN device's ${deviceMtu} (the underlay's MTU less ${VXLAN_OVERHEAD}): full-size packets between nodes will be fragmented or dropped; set the ${PLUGIN_NAME} option mtu to ${deviceMtu}, or leave it out`);
  }
  podMtu.set(deviceMtu);
  for (const advice of await vxlan.underlayAdvice().catch((err: Error) => [`cannot read the underlay's offloads: ${err.message}`])) ctx.logger.warn(`overlay: ${advice}`);
  await ctx.client.patch('nodes', nodeName, { metadata: { annotations: { [VTEP_MAC_ANNOTATION]: mac, [UNDERLAY_IP_ANNOTATION]: localIP } } }, 'merge');

  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const resync = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      running = running
        .then(() => vxlan.sync(peersOf(informer.cache.list(), nodeName)))
        .catch((err: unknown) => {
          ctx.logger.warn(`overlay: ${err instanceof Error ? err.message : String(err)}; retrying`);
          timer = setTimeout(resync, 2000);
        });
    }, 50);
  };
  const off = [informer.onAdd(resync), informer.onUpdate(resync), informer.onDelete(resync)];
  resync();
  return {
    async stop() {
      for (const o of off) o();
      if (timer) clearTimeout(timer);
      await running;
      // The device stays: pods keep talking across nodes while the agent is down.
    },
  };
}

/** Offers the `overlay` pod network (agent.network.pods: overlay) and the agent component that keeps peers in sync. */
export const plugin: CorralPlugin<OverlayPluginOptions | undefined> = {
  name: PLUGIN_NAME,
  options: optionsSchema,
  roles: ['agent'],
  apply(corral, options = {}) {
    const podMtu = new PodMtu();
    corral.hooks.podNetwork.for(NETWORK_NAME).tap(PLUGIN_NAME, (ctx) => podNetwork(ctx, options, podMtu));
    // The peers are kept in sync only where the overlay is the chosen pod network.
    if (corral.config.agent.network?.pods !== NETWORK_NAME) return;
    corral.hooks.registerComponents.tap(PLUGIN_NAME, (registry) => registry.add({ name: 'overlay', roles: ['agent'], start: (ctx) => startOverlay(options, ctx, podMtu) }));
  },
};
