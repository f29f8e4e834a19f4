import { join } from 'node:path';
import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { BridgeNetwork } from './BridgeNetwork.js';
import { writeCniConfig } from './cni.js';
import { acceptBridgeForwarding } from './forward.js';
import { withNodeSubnet } from './lazy.js';

export const PLUGIN_NAME = 'BridgeNetworkPlugin';
export const NETWORK_NAME = 'bridge';

export interface BridgePluginOptions {
  /** Default "corral0". */
  bridge?: string;
  /** Used when the node has no spec.podCIDR (a one-node setup without node IPAM). */
  podCIDR?: string;
  mtu?: number;
  /** Also write containerd's CNI config here (for the cri runtime). */
  cniConfDir?: string;
}

const optionsSchema = Joi.object<BridgePluginOptions>({
  bridge: Joi.string().max(15).pattern(/^[A-Za-z0-9_.-]+$/),
  podCIDR: Joi.string().pattern(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/),
  mtu: Joi.number().integer().min(576).max(9000),
  cniConfDir: Joi.string(),
});

/** Offers the `bridge` pod network (agent.network.pods: bridge). */
export const plugin: CorralPlugin<BridgePluginOptions | undefined> = {
  name: PLUGIN_NAME,
  options: optionsSchema,
  roles: ['agent', 'all'],
  apply(corral, options = {}) {
    corral.hooks.podNetwork.for(NETWORK_NAME).tap(PLUGIN_NAME, (ctx) => {
      const bridge = options.bridge ?? 'corral0';
      return withNodeSubnet(ctx, options.podCIDR, (podCIDR) => {
        if (options.cniConfDir) {
          void writeCniConfig(options.cniConfDir, { bridge, podCIDR, mtu: options.mtu }).catch((err) =>
            process.stderr.write(`bridge network: writing the CNI config in ${options.cniConfDir} failed: ${String(err)}\n`),
          );
          // containerd's CNI makes the bridge; its forwarding is Corral's to open all the same.
          void acceptBridgeForwarding(bridge).catch((err) =>
            process.stderr.write(`bridge network: accepting forwarded traffic on ${bridge} failed: ${String(err)}\n`),
          );
        }
        return new BridgeNetwork({ bridge, podCIDR, stateDir: join(ctx.rootDir, 'network', 'bridge'), mtu: options.mtu });
      });
    });
  },
};
