// The plugin: registers the ReplicationController, ReplicaSet and Deployment controllers.
import Joi from 'joi';
import type { CorralPlugin, ReconcileContext } from '@corral/core/kernel';
import { deploymentController } from './deployment/DeploymentController.js';
import { InFlight } from './InFlight.js';
import { REPLICA_SET, REPLICATION_CONTROLLER, replicaController } from './replicas/ReplicaController.js';

export const PLUGIN_NAME = 'WorkloadsPlugin';

export interface WorkloadsOptions {
  /** Creates or deletes per sync of one ReplicaSet (Kubernetes' burstReplicas). */
  burstReplicas: number;
  /** Every object is synced again this often (ms); 0: only on changes. */
  resyncMs: number;
  /** Which controllers run. */
  controllers: { replicationController: boolean; replicaSet: boolean; deployment: boolean };
}

const optionsSchema = Joi.object<WorkloadsOptions>({
  burstReplicas: Joi.number().integer().min(1).default(500),
  resyncMs: Joi.number().integer().min(0).default(0),
  controllers: Joi.object({
    replicationController: Joi.boolean().default(true),
    replicaSet: Joi.boolean().default(true),
    deployment: Joi.boolean().default(true),
  }).default(),
});

/** One record of creates and deletes in flight per controller, keyed by the clock it runs on. */
function inFlightPerController(): (ctx: ReconcileContext) => InFlight {
  const byClock = new WeakMap<object, InFlight>();
  return (ctx) => {
    let inFlight = byClock.get(ctx.clock);
    if (!inFlight) byClock.set(ctx.clock, (inFlight = new InFlight(ctx.clock)));
    return inFlight;
  };
}

export const plugin: CorralPlugin<WorkloadsOptions> = {
  name: PLUGIN_NAME,
  options: optionsSchema,
  roles: ['server'],
  apply(corral, options) {
    corral.hooks.registerControllers.tap(PLUGIN_NAME, (registry) => {
      const { controllers, burstReplicas, resyncMs } = options;
      if (controllers.replicationController) registry.add(replicaController(REPLICATION_CONTROLLER, { burstReplicas, resyncMs }, inFlightPerController()));
      if (controllers.replicaSet) registry.add(replicaController(REPLICA_SET, { burstReplicas, resyncMs }, inFlightPerController()));
      if (controllers.deployment) registry.add(deploymentController({ resyncMs }));
    });
  },
};
