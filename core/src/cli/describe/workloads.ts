// `describe` for the replicated workloads: Deployment, ReplicaSet, ReplicationController.
import type { Deployment, ReplicaSet, ReplicationController } from '../../api/types.js';
import { selectorString } from '../../server/table/format.js';
import { describeConditions, describeLabels, describeMeta, describeTemplate, formatMap } from './common.js';
import { DescribeWriter, describeTime } from './writer.js';

export function describeDeployment(w: DescribeWriter, d: Deployment, newReplicaSet?: ReplicaSet, oldReplicaSets: ReplicaSet[] = []): void {
  const spec = d.spec;
  const status = d.status ?? {};
  w.item(0, 'Name', d.metadata.name);
  w.item(0, 'Namespace', d.metadata.namespace);
  w.item(0, 'CreationTimestamp', describeTime(d.metadata.creationTimestamp));
  describeLabels(w, d);
  w.item(0, 'Selector', selectorString(spec.selector));
  const desired = spec.replicas ?? 1;
  w.item(0, 'Replicas', `${desired} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable`);
  const strategy = spec.strategy?.type ?? 'RollingUpdate';
  w.item(0, 'StrategyType', strategy);
  w.item(0, 'MinReadySeconds', spec.minReadySeconds ?? 0);
  if (strategy === 'RollingUpdate') {
    const ru = spec.strategy?.rollingUpdate ?? {};
    w.item(0, 'RollingUpdateStrategy', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
  }
  if (spec.paused) w.item(0, 'Paused', 'true');
  describeTemplate(w, 0, spec.template);
  describeConditions(w, status.conditions);
  const rsText = (rs: ReplicaSet): string => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 0} replicas created)`;
  // kubectl shows these lines only once the Deployment has ReplicaSets.
  if (newReplicaSet || oldReplicaSets.length > 0) {
    w.item(0, 'OldReplicaSets', oldReplicaSets.length ? oldReplicaSets.map(rsText).join(', ') : '<none>');
    w.item(0, 'NewReplicaSet', newReplicaSet ? rsText(newReplicaSet) : '<none>');
  }
}

export function describeReplicaSet(w: DescribeWriter, rs: ReplicaSet | ReplicationController, pods?: { running: number; waiting: number; succeeded: number; failed: number }): void {
  describeMeta(w, rs);
  const selector = rs.kind === 'ReplicationController' || !('matchLabels' in (rs.spec.selector ?? {}) || 'matchExpressions' in (rs.spec.selector ?? {}))
    ? formatMap(rs.spec.selector as Record<string, string> | undefined)
    : selectorString((rs as ReplicaSet).spec.selector);
  w.item(0, 'Selector', selector);
  const controller = rs.metadata.ownerReferences?.find((o) => o.controller);
  if (controller) w.item(0, 'Controlled By', `${controller.kind}/${controller.name}`);
  w.item(0, 'Replicas', `${rs.status?.replicas ?? 0} current / ${rs.spec.replicas ?? 1} desired`);
  if (pods) w.item(0, 'Pods Status', `${pods.running} Running / ${pods.waiting} Waiting / ${pods.succeeded} Succeeded / ${pods.failed} Failed`);
  describeTemplate(w, 0, rs.spec.template);
  describeConditions(w, rs.status?.conditions);
}
