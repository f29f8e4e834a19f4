// The kinds this plugin reconciles, and the annotations and labels Kubernetes' controllers use
// on them (kubectl reads the same ones).
import type { KindRef } from '@corral/core/kernel';
import type { ResourceRef } from '@corral/core/client';

export const POD_KIND: KindRef = { apiVersion: 'v1', kind: 'Pod' };
export const RC_KIND: KindRef = { apiVersion: 'v1', kind: 'ReplicationController' };
export const RS_KIND: KindRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
export const DEPLOYMENT_KIND: KindRef = { apiVersion: 'apps/v1', kind: 'Deployment' };

// Resource references need no discovery round trip.
export const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
export const REPLICATION_CONTROLLERS: ResourceRef = { group: '', version: 'v1', plural: 'replicationcontrollers', namespaced: true, kind: 'ReplicationController' };
export const REPLICA_SETS: ResourceRef = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
export const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' };

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
