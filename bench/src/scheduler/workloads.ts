import type { Node, Pod } from '@corral/core';
import { makeHollowNodes, makePods } from '@corral/core/testing';

// The benchmark's clusters. "basic" is kube-scheduler's scheduler_perf SchedulingBasic shape:
// nodes of 4 CPU / 32Gi / 110 pods, pods of 100m / 500Mi (here in ReplicaSets of 100, so
// spreading has work to do). "constrained" adds what production pods carry and filters must
// check on every node: a taint to tolerate, a nodeSelector, a required node affinity of three
// expressions, and three zones to spread over.

export interface Workload {
  readonly name: string;
  nodes(count: number): Node[];
  pods(count: number): Pod[];
}

export const basic: Workload = {
  name: 'basic',
  nodes: (count) => makeHollowNodes(count, { cpu: '4', memory: '32Gi', pods: 110 }),
  pods: (count) => makePods(count, { cpu: '100m', memory: '500Mi', replicasPerController: 100 }),
};

const INSTANCE_TYPES = ['m5.large', 'm5.xlarge', 'c5.large', 'r5.large'];

export const constrained: Workload = {
  name: 'constrained',
  nodes: (count) =>
    makeHollowNodes(count, {
      cpu: '4',
      memory: '32Gi',
      pods: 110,
      zones: 3,
      labels: (i) => ({ 'node.kubernetes.io/instance-type': INSTANCE_TYPES[i % INSTANCE_TYPES.length]!, 'corral.dev/pool': i % 10 === 0 ? 'system' : 'workers' }),
      taints: [{ key: 'corral.dev/spot', value: 'true', effect: 'NoSchedule' }],
    }),
  pods: (count) =>
    makePods(count, {
      cpu: '100m',
      memory: '500Mi',
      replicasPerController: 100,
      customize: (pod) => ({
        ...pod,
        spec: {
          ...pod.spec,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [
            { key: 'corral.dev/spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          ],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'node.kubernetes.io/instance-type', operator: 'In', values: INSTANCE_TYPES },
                      { key: 'corral.dev/pool', operator: 'NotIn', values: ['system'] },
                      { key: 'topology.kubernetes.io/zone', operator: 'Exists' },
                    ],
                  },
                ],
              },
            },
          },
        },
      }),
    }),
};
