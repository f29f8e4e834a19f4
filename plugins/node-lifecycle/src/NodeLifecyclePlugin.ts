import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { nodeLifecycleController } from './NodeLifecycleController.js';

export const PLUGIN_NAME = 'NodeLifecyclePlugin';

export interface NodeLifecyclePluginOptions {
  /** A node whose newest heartbeat is older than this turns Ready=Unknown and is tainted. */
  nodeMonitorGracePeriodSeconds: number;
  /** How long a pod that does not tolerate a node's NoExecute taint stays before it is evicted. */
  podEvictionTimeoutSeconds: number;
  /**
   * Evictions stop while at least this fraction of the nodes (and at least three) are NotReady,
   * as they do while every node is: Kubernetes' unhealthyZoneThreshold.
   */
  unhealthyZoneThreshold: number;
}

/**
 * Registers the node lifecycle controller. The defaults (16 s + 5 s) let a lost node's pods be
 * replaced elsewhere within half a minute.
 */
export const plugin: CorralPlugin<NodeLifecyclePluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  options: Joi.object<NodeLifecyclePluginOptions>({
    nodeMonitorGracePeriodSeconds: Joi.number().greater(0).default(16),
    podEvictionTimeoutSeconds: Joi.number().min(0).default(5),
    unhealthyZoneThreshold: Joi.number().greater(0).max(1).default(0.55),
  }),
  apply(corral, options) {
    corral.hooks.registerControllers.tap(PLUGIN_NAME, (registry) => {
      const nodes = corral.resources.forKind('v1', 'Node');
      const pods = corral.resources.forKind('v1', 'Pod');
      const leases = corral.resources.forKind('coordination.k8s.io/v1', 'Lease');
      // A config that serves none of these kinds has no nodes to watch over.
      if (!nodes || !pods || !leases) return;
      registry.add(
        nodeLifecycleController({
          gracePeriodMs: options.nodeMonitorGracePeriodSeconds * 1000,
          podEvictionTimeoutSeconds: options.podEvictionTimeoutSeconds,
          unhealthyThreshold: options.unhealthyZoneThreshold,
          resources: { nodes, pods },
        }),
      );
    });
  },
};
