// @corral/plugin-workloads: the ReplicationController, ReplicaSet and Deployment controllers.
export { plugin, PLUGIN_NAME } from './WorkloadsPlugin.js';
export type { WorkloadsOptions } from './WorkloadsPlugin.js';
export { replicaController, REPLICA_SET, REPLICATION_CONTROLLER } from './replicas/ReplicaController.js';
export type { ReplicaControllerOptions, ReplicaKind } from './replicas/ReplicaController.js';
export { computeReplicaStatus, REPLICA_FAILURE } from './replicas/status.js';
export { podFromTemplate } from './replicas/podTemplate.js';
export { deploymentController, syncDeployment } from './deployment/DeploymentController.js';
export { podTemplateHash, canonicalJson, fnv1a32 } from './deployment/hash.js';
export { resolveFenceposts, scaledValue } from './deployment/fenceposts.js';
export type { Fenceposts } from './deployment/fenceposts.js';
export { newReplicaSetTarget, oldReplicaSetTargets, proportionalTargets } from './deployment/rolling.js';
export type { RsCounts } from './deployment/rolling.js';
export { historyToDelete, sameTemplateIgnoringHash, splitNewAndOld } from './deployment/revisions.js';
export { nextStatus, Reasons as DeploymentConditionReasons } from './deployment/status.js';
export { compareForDeletion, podsToDelete } from './ranking.js';
export { slowStartBatch } from './slowStart.js';
export type { SlowStartResult } from './slowStart.js';
export { classify, claimObjects } from './claim.js';
export type { Claim } from './claim.js';
export { InFlight } from './InFlight.js';
export { isPodActive, isPodAvailable, isPodReady } from './pods.js';
export {
  CHANGE_CAUSE_ANNOTATION,
  DEPLOYMENT_KIND,
  DEPLOYMENTS,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  POD_KIND,
  POD_TEMPLATE_HASH_LABEL,
  PODS,
  RC_KIND,
  REPLICA_SETS,
  REPLICATION_CONTROLLERS,
  REVISION_ANNOTATION,
  RS_KIND,
} from './kinds.js';
