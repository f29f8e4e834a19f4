// The core (v1) kinds other than Pod (k8s.io.api.core.v1).
import { Condition, ObjectMeta } from './meta.js';
import { PodTemplateSpec } from './pod.js';
import { KEEP, LIST, message } from './schema.js';

const CORE = 'k8s.io.api.core.v1';

export const ObjectReference = message(`${CORE}.ObjectReference`, {
  1: 'kind',
  2: 'namespace',
  3: 'name',
  4: 'uid',
  5: 'apiVersion',
  6: 'resourceVersion',
  7: 'fieldPath',
});

const NamespaceCondition = message(`${CORE}.NamespaceCondition`, {
  1: ['type', 'string', KEEP],
  2: ['status', 'string', KEEP],
  4: ['lastTransitionTime', 'time'],
  5: 'reason',
  6: 'message',
});

export const Namespace = message(`${CORE}.Namespace`, {
  1: ['metadata', ObjectMeta],
  2: ['spec', message(`${CORE}.NamespaceSpec`, { 1: ['finalizers', 'string', LIST] })],
  3: ['status', message(`${CORE}.NamespaceStatus`, { 1: 'phase', 2: ['conditions', NamespaceCondition, LIST] })],
});

const Taint = message(`${CORE}.Taint`, {
  1: ['key', 'string', KEEP],
  2: 'value',
  3: ['effect', 'string', KEEP],
  4: ['timeAdded', 'time', KEEP],
});

const NodeCondition = message(`${CORE}.NodeCondition`, {
  1: ['type', 'string', KEEP],
  2: ['status', 'string', KEEP],
  3: ['lastHeartbeatTime', 'time'],
  4: ['lastTransitionTime', 'time'],
  5: 'reason',
  6: 'message',
});

const NodeSystemInfo = message(`${CORE}.NodeSystemInfo`, {
  1: ['machineID', 'string', KEEP],
  2: ['systemUUID', 'string', KEEP],
  3: ['bootID', 'string', KEEP],
  4: ['kernelVersion', 'string', KEEP],
  5: ['osImage', 'string', KEEP],
  6: ['containerRuntimeVersion', 'string', KEEP],
  7: ['kubeletVersion', 'string', KEEP],
  8: ['kubeProxyVersion', 'string', KEEP],
  9: ['operatingSystem', 'string', KEEP],
  10: ['architecture', 'string', KEEP],
});

export const Node = message(`${CORE}.Node`, {
  1: ['metadata', ObjectMeta],
  2: [
    'spec',
    message(`${CORE}.NodeSpec`, {
      1: 'podCIDR',
      7: ['podCIDRs', 'string', LIST],
      3: 'providerID',
      4: ['unschedulable', 'bool'],
      5: ['taints', Taint, LIST],
    }),
  ],
  3: [
    'status',
    message(`${CORE}.NodeStatus`, {
      1: ['capacity', 'quantityMap'],
      2: ['allocatable', 'quantityMap'],
      3: 'phase',
      4: ['conditions', NodeCondition, LIST],
      5: ['addresses', message(`${CORE}.NodeAddress`, { 1: ['type', 'string', KEEP], 2: ['address', 'string', KEEP] }), LIST],
      6: [
        'daemonEndpoints',
        message(`${CORE}.NodeDaemonEndpoints`, {
          1: ['kubeletEndpoint', message(`${CORE}.DaemonEndpoint`, { 1: ['Port', 'int', KEEP] })],
        }),
      ],
      7: ['nodeInfo', NodeSystemInfo],
    }),
  ],
});

const ServicePort = message(`${CORE}.ServicePort`, {
  1: 'name',
  2: 'protocol',
  6: ['appProtocol', 'string', KEEP],
  3: ['port', 'int', KEEP],
  4: ['targetPort', 'intstr'],
  5: ['nodePort', 'int'],
});

const ServiceSpec = message(`${CORE}.ServiceSpec`, {
  1: ['ports', ServicePort, LIST],
  2: ['selector', 'stringMap'],
  3: 'clusterIP',
  18: ['clusterIPs', 'string', LIST],
  4: 'type',
  5: ['externalIPs', 'string', LIST],
  7: 'sessionAffinity',
  10: 'externalName',
  11: 'externalTrafficPolicy',
  13: ['publishNotReadyAddresses', 'bool'],
  14: [
    'sessionAffinityConfig',
    message(`${CORE}.SessionAffinityConfig`, {
      1: ['clientIP', message(`${CORE}.ClientIPConfig`, { 1: ['timeoutSeconds', 'int', KEEP] })],
    }),
  ],
  19: ['ipFamilies', 'string', LIST],
  17: ['ipFamilyPolicy', 'string', KEEP],
  22: ['internalTrafficPolicy', 'string', KEEP],
});

const ServiceStatus = message(`${CORE}.ServiceStatus`, {
  1: [
    'loadBalancer',
    message(`${CORE}.LoadBalancerStatus`, {
      1: ['ingress', message(`${CORE}.LoadBalancerIngress`, { 1: 'ip', 2: 'hostname' }), LIST],
    }),
  ],
  2: ['conditions', Condition, LIST],
});

export const Service = message(`${CORE}.Service`, {
  1: ['metadata', ObjectMeta],
  2: ['spec', ServiceSpec],
  3: ['status', ServiceStatus],
});

const EndpointAddress = message(`${CORE}.EndpointAddress`, {
  1: ['ip', 'string', KEEP],
  3: 'hostname',
  4: ['nodeName', 'string', KEEP],
  2: ['targetRef', ObjectReference],
});

export const Endpoints = message(`${CORE}.Endpoints`, {
  1: ['metadata', ObjectMeta],
  2: [
    'subsets',
    message(`${CORE}.EndpointSubset`, {
      1: ['addresses', EndpointAddress, LIST],
      2: ['notReadyAddresses', EndpointAddress, LIST],
      3: [
        'ports',
        message(`${CORE}.EndpointPort`, { 1: 'name', 2: ['port', 'int', KEEP], 3: 'protocol', 4: ['appProtocol', 'string', KEEP] }),
        LIST,
      ],
    }),
    LIST,
  ],
});

const ReplicationControllerCondition = message(`${CORE}.ReplicationControllerCondition`, {
  1: ['type', 'string', KEEP],
  2: ['status', 'string', KEEP],
  3: ['lastTransitionTime', 'time'],
  4: 'reason',
  5: 'message',
});

export const ReplicationController = message(`${CORE}.ReplicationController`, {
  1: ['metadata', ObjectMeta],
  2: [
    'spec',
    message(`${CORE}.ReplicationControllerSpec`, {
      1: ['replicas', 'int', KEEP],
      4: ['minReadySeconds', 'int'],
      2: ['selector', 'stringMap'],
      3: ['template', PodTemplateSpec],
    }),
  ],
  3: [
    'status',
    message(`${CORE}.ReplicationControllerStatus`, {
      1: ['replicas', 'int', KEEP],
      2: ['fullyLabeledReplicas', 'int'],
      4: ['readyReplicas', 'int'],
      5: ['availableReplicas', 'int'],
      3: ['observedGeneration', 'int'],
      6: ['conditions', ReplicationControllerCondition, LIST],
    }),
  ],
});

export const ConfigMap = message(`${CORE}.ConfigMap`, {
  1: ['metadata', ObjectMeta],
  4: ['immutable', 'bool', KEEP],
  2: ['data', 'stringMap'],
  3: ['binaryData', 'bytesMap'],
});

export const Secret = message(`${CORE}.Secret`, {
  1: ['metadata', ObjectMeta],
  5: ['immutable', 'bool', KEEP],
  2: ['data', 'bytesMap'],
  4: ['stringData', 'stringMap'],
  3: 'type',
});

const LocalObjectReference = message(`${CORE}.LocalObjectReference`, { 1: 'name' });

export const ServiceAccount = message(`${CORE}.ServiceAccount`, {
  1: ['metadata', ObjectMeta],
  2: ['secrets', ObjectReference, LIST],
  3: ['imagePullSecrets', LocalObjectReference, LIST],
  4: ['automountServiceAccountToken', 'bool', KEEP],
});

export const Event = message(`${CORE}.Event`, {
  1: ['metadata', ObjectMeta],
  2: ['involvedObject', ObjectReference],
  3: 'reason',
  4: 'message',
  5: ['source', message(`${CORE}.EventSource`, { 1: 'component', 2: 'host' })],
  6: ['firstTimestamp', 'time'],
  7: ['lastTimestamp', 'time'],
  8: ['count', 'int'],
  9: 'type',
  10: ['eventTime', 'microtime'],
  11: [
    'series',
    message(`${CORE}.EventSeries`, { 1: ['count', 'int'], 2: ['lastObservedTime', 'microtime'] }),
  ],
  12: 'action',
  13: ['related', ObjectReference],
  14: ['reportingComponent', 'string', KEEP],
  15: ['reportingInstance', 'string', KEEP],
});

/** pods/{name}/binding's body. */
export const Binding = message(`${CORE}.Binding`, { 1: ['metadata', ObjectMeta], 2: ['target', ObjectReference] });
