// The built-in kinds, one ResourceDefinition each, named and grouped as in Kubernetes so that
// URLs, store keys and kubectl's short names line up.
import { defineResource } from './define.js';
import {
  defaultConfigMap,
  defaultCronJob,
  defaultDeployment,
  defaultEndpoints,
  defaultEvent,
  defaultJob,
  defaultLease,
  defaultNamespace,
  defaultNode,
  defaultReplicaSet,
  defaultReplicationController,
  defaultSecret,
  defaultService,
  defaultServiceAccount,
} from './defaults/kinds.js';
import { defaultPod } from './defaults/pod.js';
import { nameIsDns1035Label, nameIsDnsLabel } from './names.js';
import { isRecord } from './objects.js';
import type { ResourceDefinition } from './resource.js';
import { deploymentSchema, replicaSetSchema } from './schemas/apps.js';
import { cronJobSchema, jobSchema } from './schemas/batch.js';
import { leaseSchema } from './schemas/coordination.js';
import {
  configMapSchema,
  endpointsSchema,
  eventSchema,
  namespaceSchema,
  nodeSchema,
  replicationControllerSchema,
  secretSchema,
  serviceAccountSchema,
  serviceSchema,
} from './schemas/core.js';
import { podSchema } from './schemas/pod.js';
import type { Service } from './types.js';
import { validateConfigMap, validateEvent, validateNamespace, validateNode, validateSecret } from './validation/config.js';
import { FieldPath } from './validation/field.js';
import {
  immutableField,
  validateImmutableData,
  validateJobUpdate,
  validatePodUpdate,
  validateSelectorUpdate,
  validateServiceUpdate,
} from './validation/immutable.js';
import { validatePodSpec } from './validation/pod.js';
import { DEFAULT_NODE_PORT_RANGE, validateEndpointSubsets, validateServiceSpec, type PortRange } from './validation/service.js';
import { validateServiceAccount } from './validation/serviceAccount.js';
import {
  validateCronJob,
  validateDeploymentSpec,
  validateJobSpec,
  validateReplicaSetSpec,
  validateReplicationControllerSpec,
} from './validation/workloads.js';

const SPEC = FieldPath.of('spec');
const SCALE = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };

export interface BuiltinOptions {
  /** The range NodePort services may use; Kubernetes' default is 30000-32767. */
  nodePortRange?: PortRange;
}

/** A Service update may omit what the server allocated (cluster IPs, node ports): keep those. */
function keepAllocated(svc: Service, old: Service): Service {
  const copy = structuredClone(svc);
  const spec = copy.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return copy;
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!spec.clusterIPs && oldSpec.clusterIPs) spec.clusterIPs = [...oldSpec.clusterIPs];
  }
  if (spec.type === oldSpec.type && Array.isArray(spec.ports) && Array.isArray(oldSpec.ports)) {
    for (const port of spec.ports) {
      if (!isRecord(port) || port.nodePort) continue;
      const before = oldSpec.ports.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (before?.nodePort) port.nodePort = before.nodePort;
    }
  }
  return copy;
}

/** Every built-in kind; `nodePortRange` is the only tunable rule. */
export function createBuiltinResources(options: BuiltinOptions = {}): ResourceDefinition[] {
  const serviceRules = { nodePortRange: options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE };
  const core = { group: '', version: 'v1' };
  const definitions = [
    defineResource({
      ...core,
      kind: 'Namespace',
      plural: 'namespaces',
      shortNames: ['ns'],
      namespaced: false,
      subresources: { status: true },
      selectableFields: { 'status.phase': 'status.phase' },
      schema: namespaceSchema,
      validateName: nameIsDnsLabel,
      defaults: defaultNamespace,
      rules: validateNamespace,
    }),
    defineResource({
      ...core,
      kind: 'Node',
      plural: 'nodes',
      shortNames: ['no'],
      namespaced: false,
      subresources: { status: true },
      selectableFields: { 'spec.unschedulable': 'spec.unschedulable' },
      schema: nodeSchema,
      defaults: defaultNode,
      rules: validateNode,
    }),
    defineResource({
      ...core,
      kind: 'Pod',
      plural: 'pods',
      shortNames: ['po'],
      namespaced: true,
      categories: ['all'],
      subresources: { status: true },
      selectableFields: {
        'spec.nodeName': 'spec.nodeName',
        'spec.restartPolicy': 'spec.restartPolicy',
        'spec.schedulerName': 'spec.schedulerName',
        'spec.serviceAccountName': 'spec.serviceAccountName',
        'status.phase': 'status.phase',
        'status.podIP': 'status.podIP',
        'status.nominatedNodeName': 'status.nominatedNodeName',
      },
      schema: podSchema,
      defaults: defaultPod,
      rules: (pod) => validatePodSpec(pod.spec, SPEC, { template: false }),
      updateRules: validatePodUpdate,
    }),
    defineResource({
      ...core,
      kind: 'Service',
      plural: 'services',
      shortNames: ['svc'],
      namespaced: true,
      categories: ['all'],
      subresources: { status: true },
      schema: serviceSchema,
      validateName: nameIsDns1035Label,
      defaults: defaultService,
      rules: (svc) => validateServiceSpec(svc.spec, SPEC, serviceRules),
      updateRules: validateServiceUpdate,
      prepareForUpdate: keepAllocated,
    }),
    defineResource({
      ...core,
      kind: 'Endpoints',
      singular: 'endpoints',
      plural: 'endpoints',
      shortNames: ['ep'],
      namespaced: true,
      schema: endpointsSchema,
      defaults: defaultEndpoints,
      rules: (ep) => validateEndpointSubsets(ep.subsets, FieldPath.of('subsets')),
    }),
    defineResource({
      ...core,
      kind: 'ReplicationController',
      plural: 'replicationcontrollers',
      shortNames: ['rc'],
      namespaced: true,
      categories: ['all'],
      subresources: { status: true, scale: SCALE },
      selectableFields: { 'status.replicas': 'status.replicas' },
      schema: replicationControllerSchema,
      defaults: defaultReplicationController,
      rules: (rc) => validateReplicationControllerSpec(rc.spec),
    }),
    defineResource({
      ...core,
      kind: 'ConfigMap',
      plural: 'configmaps',
      shortNames: ['cm'],
      namespaced: true,
      schema: configMapSchema,
      defaults: defaultConfigMap,
      rules: validateConfigMap,
      updateRules: (cm, old) => validateImmutableData(cm, old, ['data', 'binaryData']),
    }),
    defineResource({
      ...core,
      kind: 'Secret',
      plural: 'secrets',
      namespaced: true,
      selectableFields: { type: 'type' },
      schema: secretSchema,
      defaults: defaultSecret,
      rules: validateSecret,
      updateRules: (secret, old) => [
        ...immutableField(secret.type, old.type, FieldPath.of('type')),
        ...validateImmutableData(secret, old, ['data']),
      ],
    }),
    defineResource({
      ...core,
      kind: 'ServiceAccount',
      plural: 'serviceaccounts',
      shortNames: ['sa'],
      namespaced: true,
      schema: serviceAccountSchema,
      defaults: defaultServiceAccount,
      rules: validateServiceAccount,
    }),
    defineResource({
      ...core,
      kind: 'Event',
      plural: 'events',
      shortNames: ['ev'],
      namespaced: true,
      selectableFields: {
        'involvedObject.kind': 'involvedObject.kind',
        'involvedObject.namespace': 'involvedObject.namespace',
        'involvedObject.name': 'involvedObject.name',
        'involvedObject.uid': 'involvedObject.uid',
        'involvedObject.apiVersion': 'involvedObject.apiVersion',
        'involvedObject.resourceVersion': 'involvedObject.resourceVersion',
        'involvedObject.fieldPath': 'involvedObject.fieldPath',
        reason: 'reason',
        reportingComponent: 'reportingComponent',
        source: 'source.component',
        type: 'type',
      },
      schema: eventSchema,
      defaults: defaultEvent,
      rules: validateEvent,
    }),
    defineResource({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      shortNames: ['deploy'],
      namespaced: true,
      categories: ['all'],
      subresources: { status: true, scale: SCALE },
      schema: deploymentSchema,
      defaults: defaultDeployment,
      rules: (deploy) => validateDeploymentSpec(deploy.spec),
      updateRules: validateSelectorUpdate,
    }),
    defineResource({
      group: 'apps',
      version: 'v1',
      kind: 'ReplicaSet',
      plural: 'replicasets',
      shortNames: ['rs'],
      namespaced: true,
      categories: ['all'],
      subresources: { status: true, scale: SCALE },
      selectableFields: { 'status.replicas': 'status.replicas' },
      schema: replicaSetSchema,
      defaults: defaultReplicaSet,
      rules: (rs) => validateReplicaSetSpec(rs.spec),
      updateRules: validateSelectorUpdate,
    }),
    defineResource({
      group: 'batch',
      version: 'v1',
      kind: 'Job',
      plural: 'jobs',
      namespaced: true,
      categories: ['all'],
      subresources: { status: true },
      selectableFields: { 'status.successful': 'status.succeeded' },
      schema: jobSchema,
      defaults: defaultJob,
      rules: (job) => validateJobSpec(job.spec, SPEC),
      updateRules: validateJobUpdate,
    }),
    defineResource({
      group: 'batch',
      version: 'v1',
      kind: 'CronJob',
      plural: 'cronjobs',
      shortNames: ['cj'],
      namespaced: true,
      categories: ['all'],
      subresources: { status: true },
      schema: cronJobSchema,
      defaults: defaultCronJob,
      rules: validateCronJob,
    }),
    defineResource({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      namespaced: true,
      schema: leaseSchema,
      defaults: defaultLease,
    }),
  ];
  return definitions;
}

/** The built-in kinds with the default rules; `@corral/plugin-resources` registers these. */
export const builtinResources: ResourceDefinition[] = createBuiltinResources();
