// The shapes of the core (v1) kinds other than Pod.
import Joi from 'joi';
import {
  bool,
  conditions,
  int,
  intOrString,
  kindSchema,
  nonNegativeInt,
  objectReference,
  oneOf,
  portNumber,
  protocol,
  quantityMap,
  requiredStr,
  str,
  strictObject,
  stringList,
  stringMap,
  timestamp,
} from './common.js';
import { podTemplateSpec } from './pod.js';

export const namespaceSchema = kindSchema('v1', 'Namespace', {
  spec: strictObject({ finalizers: stringList }),
  status: strictObject({ phase: oneOf('Active', 'Terminating'), conditions }),
});

export const nodeSchema = kindSchema('v1', 'Node', {
  spec: strictObject({
    podCIDR: str,
    podCIDRs: stringList,
    providerID: str,
    unschedulable: bool,
    taints: Joi.array().items(
      strictObject({
        key: requiredStr,
        value: str,
        effect: oneOf('NoSchedule', 'PreferNoSchedule', 'NoExecute').required(),
        timeAdded: timestamp,
      }),
    ),
  }),
  status: strictObject({
    capacity: quantityMap,
    allocatable: quantityMap,
    conditions,
    addresses: Joi.array().items(
      strictObject({ type: oneOf('InternalIP', 'ExternalIP', 'Hostname').required(), address: requiredStr }),
    ),
    daemonEndpoints: strictObject({ kubeletEndpoint: strictObject({ Port: nonNegativeInt }) }),
    nodeInfo: strictObject({
      machineID: str,
      systemUUID: str,
      bootID: str,
      kernelVersion: str,
      osImage: str,
      containerRuntimeVersion: str,
      kubeletVersion: str,
      kubeProxyVersion: str,
      operatingSystem: str,
      architecture: str,
    }),
    phase: str,
  }),
});

export const serviceSchema = kindSchema('v1', 'Service', {
  spec: strictObject({
    type: oneOf('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
    ports: Joi.array().items(
      strictObject({
        name: str,
        protocol,
        appProtocol: str,
        port: portNumber.required(),
        targetPort: intOrString,
        nodePort: Joi.number().integer(),
      }),
    ),
    selector: stringMap,
    clusterIP: str,
    clusterIPs: stringList,
    externalIPs: stringList,
    externalName: str,
    sessionAffinity: oneOf('None', 'ClientIP'),
    sessionAffinityConfig: strictObject({
      clientIP: strictObject({ timeoutSeconds: Joi.number().integer().min(1).max(86400) }),
    }),
    publishNotReadyAddresses: bool,
    externalTrafficPolicy: oneOf('Cluster', 'Local'),
    internalTrafficPolicy: oneOf('Cluster', 'Local'),
    ipFamilies: Joi.array().items(oneOf('IPv4', 'IPv6')),
    ipFamilyPolicy: oneOf('SingleStack', 'PreferDualStack', 'RequireDualStack'),
  }).required(),
  status: strictObject({
    loadBalancer: strictObject({
      ingress: Joi.array().items(strictObject({ ip: str, hostname: str })),
    }),
    conditions,
  }),
});

const endpointAddress = strictObject({
  ip: requiredStr,
  hostname: str,
  nodeName: str,
  targetRef: objectReference,
});

export const endpointsSchema = kindSchema('v1', 'Endpoints', {
  subsets: Joi.array().items(
    strictObject({
      addresses: Joi.array().items(endpointAddress),
      notReadyAddresses: Joi.array().items(endpointAddress),
      ports: Joi.array().items(strictObject({ name: str, port: portNumber.required(), protocol, appProtocol: str })),
    }),
  ),
});

export const configMapSchema = kindSchema('v1', 'ConfigMap', {
  data: stringMap,
  binaryData: stringMap,
  immutable: bool,
});

export const secretSchema = kindSchema('v1', 'Secret', {
  type: str,
  data: stringMap,
  stringData: stringMap,
  immutable: bool,
});

export const serviceAccountSchema = kindSchema('v1', 'ServiceAccount', {
  secrets: Joi.array().items(objectReference),
  imagePullSecrets: Joi.array().items(strictObject({ name: str })),
  automountServiceAccountToken: bool,
});

export const eventSchema = kindSchema('v1', 'Event', {
  involvedObject: objectReference.required(),
  reason: str,
  message: str,
  type: oneOf('Normal', 'Warning'),
  source: strictObject({ component: str, host: str }),
  firstTimestamp: timestamp,
  lastTimestamp: timestamp,
  eventTime: timestamp,
  count: nonNegativeInt,
  reportingComponent: str,
  reportingInstance: str,
  action: str,
  related: objectReference,
  series: strictObject({ count: nonNegativeInt, lastObservedTime: timestamp }),
});

export const replicaStatus = {
  replicas: nonNegativeInt,
  fullyLabeledReplicas: nonNegativeInt,
  readyReplicas: nonNegativeInt,
  availableReplicas: nonNegativeInt,
  observedGeneration: int,
  conditions,
};

export const replicationControllerSchema = kindSchema('v1', 'ReplicationController', {
  spec: strictObject({
    replicas: nonNegativeInt,
    minReadySeconds: nonNegativeInt,
    selector: stringMap,
    template: podTemplateSpec,
  }).required(),
  status: strictObject(replicaStatus),
});


