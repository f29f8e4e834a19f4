// The Deployment controller's registration: which changes bring a Deployment to the queue, and
// the choice of what one sync does.
import { controllerRefOf } from '@corral/core/client';
import { labelSelectorAsSelector, type Deployment, type ReplicaSet } from '@corral/core/api';
import type { ControllerRegistration, ReconcileContext, ReconcileResult } from '@corral/core/kernel';
import { claimObjects } from '../claim.js';
import { DEPLOYMENT_KIND, POD_KIND, REPLICA_SETS, RS_KIND } from '../kinds.js';
import { DeploymentSync } from './DeploymentSync.js';

export interface DeploymentControllerOptions {
  resyncMs: number;
}

export function deploymentController(options: DeploymentControllerOptions): ControllerRegistration {
  return {
    name: 'deployment',
    for: DEPLOYMENT_KIND,
    owns: [RS_KIND],
    watches: [
      // A ReplicaSet no one controls: the Deployments whose selector matches it may adopt it.
      {
        kind: RS_KIND,
        keys(obj, informers) {
          if (controllerRefOf(obj) || !obj.metadata.namespace) return [];
          return informers
            .informer<Deployment>(DEPLOYMENT_KIND)
            .cache.byIndex('namespace', obj.metadata.namespace)
            .filter((d) => labelSelectorAsSelector(d.spec.selector).matches(obj.metadata.labels))
            .map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
        },
      },
      // Pods come and go under the ReplicaSets: Recreate waits for the old ones to be gone.
      {
        kind: POD_KIND,
        keys(obj, informers) {
          const rsRef = controllerRefOf(obj);
          if (rsRef?.kind !== 'ReplicaSet' || !obj.metadata.namespace) return [];
          const rs = informers.informer<ReplicaSet>(RS_KIND).cache.get(`${obj.metadata.namespace}/${rsRef.name}`);
          const dRef = rs && rs.metadata.uid === rsRef.uid ? controllerRefOf(rs) : undefined;
          return dRef?.kind === 'Deployment' ? [`${obj.metadata.namespace}/${dRef.name}`] : [];
        },
      },
    ],
    resyncMs: options.resyncMs > 0 ? options.resyncMs : undefined,
    reconcile: syncDeployment,
  };
}

export async function syncDeployment(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const d = ctx.informers.informer<Deployment>(DEPLOYMENT_KIND).cache.get(key);
  if (!d) return;
  const selector = labelSelectorAsSelector(d.spec.selector);
  if (selector.isEverything()) {
    ctx.events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    return;
  }
  const candidates = ctx.informers.informer<ReplicaSet>(RS_KIND).cache.byIndex('namespace', d.metadata.namespace ?? '');
  const sets = await claimObjects(ctx.client, REPLICA_SETS, d, DEPLOYMENT_KIND, selector, candidates);
  const sync = new DeploymentSync(ctx, d, sets);
  if (d.metadata.deletionTimestamp) return sync.statusOnly();
  if (d.spec.paused || (await sync.isScalingEvent())) return sync.scaleOnly();
  return d.spec.strategy?.type === 'Recreate' ? sync.recreate() : sync.rollingUpdate();
}
