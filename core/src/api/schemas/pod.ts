// The shape of a Pod and of the pod templates inside workloads.
import Joi from 'joi';
import {
  bool,
  conditions,
  int,
  intOrString,
  kindSchema,
  nonNegativeInt,
  objectMeta,
  oneOf,
  portNumber,
  protocol,
  quantity,
  quantityMap,
  requiredStr,
  str,
  strictObject,
  stringList,
  stringMap,
  timestamp,
} from './common.js';

const keySelector = strictObject({ name: str, key: requiredStr, optional: bool });

const envVar = strictObject({
  name: requiredStr,
  value: str,
  valueFrom: strictObject({
    configMapKeyRef: keySelector,
    secretKeyRef: keySelector,
    fieldRef: strictObject({ apiVersion: str, fieldPath: requiredStr }),
    resourceFieldRef: strictObject({ containerName: str, resource: requiredStr, divisor: quantity }),
  }),
});

const envFromSource = strictObject({
  prefix: str,
  configMapRef: strictObject({ name: str, optional: bool }),
  secretRef: strictObject({ name: str, optional: bool }),
});

const containerPort = strictObject({
  name: str,
  containerPort: portNumber.required(),
  hostPort: portNumber,
  hostIP: str,
  protocol,
});

const handlerKeys = {
  exec: strictObject({ command: stringList }),
  httpGet: strictObject({
    path: str,
    port: intOrString.required(),
    host: str,
    scheme: oneOf('HTTP', 'HTTPS'),
    httpHeaders: Joi.array().items(strictObject({ name: requiredStr, value: str })),
  }),
  tcpSocket: strictObject({ port: intOrString.required(), host: str }),
};

const handler = strictObject(handlerKeys);

const probe = strictObject({
  ...handlerKeys,
  initialDelaySeconds: nonNegativeInt,
  timeoutSeconds: Joi.number().integer().min(1),
  periodSeconds: Joi.number().integer().min(1),
  successThreshold: Joi.number().integer().min(1),
  failureThreshold: Joi.number().integer().min(1),
  terminationGracePeriodSeconds: Joi.number().integer().min(1),
});

const securityContext = strictObject({
  privileged: bool,
  runAsUser: nonNegativeInt,
  runAsGroup: nonNegativeInt,
  runAsNonRoot: bool,
  readOnlyRootFilesystem: bool,
  allowPrivilegeEscalation: bool,
  capabilities: strictObject({ add: stringList, drop: stringList }),
});

const container = strictObject({
  name: requiredStr,
  image: str,
  command: stringList,
  args: stringList,
  workingDir: str,
  ports: Joi.array().items(containerPort),
  env: Joi.array().items(envVar),
  envFrom: Joi.array().items(envFromSource),
  resources: strictObject({ requests: quantityMap, limits: quantityMap }),
  volumeMounts: Joi.array().items(
    strictObject({ name: requiredStr, mountPath: requiredStr, readOnly: bool, subPath: str }),
  ),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: strictObject({ postStart: handler, preStop: handler }),
  terminationMessagePath: str,
  terminationMessagePolicy: oneOf('File', 'FallbackToLogsOnError'),
  imagePullPolicy: oneOf('Always', 'IfNotPresent', 'Never'),
  restartPolicy: oneOf('Always'),
  securityContext,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

const keyToPath = strictObject({ key: requiredStr, path: requiredStr, mode: Joi.number().integer().min(0).max(0o777) });
const fileMode = Joi.number().integer().min(0).max(0o777);

const volume = strictObject({
  name: requiredStr,
  emptyDir: strictObject({ medium: oneOf('', 'Memory'), sizeLimit: quantity }),
  hostPath: strictObject({
    path: requiredStr,
    type: oneOf('', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'),
  }),
  configMap: strictObject({ name: str, items: Joi.array().items(keyToPath), defaultMode: fileMode, optional: bool }),
  secret: strictObject({ secretName: str, items: Joi.array().items(keyToPath), defaultMode: fileMode, optional: bool }),
});

const toleration = strictObject({
  key: str,
  operator: oneOf('Exists', 'Equal'),
  value: str,
  effect: oneOf('', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'),
  tolerationSeconds: int,
});

const nodeSelectorRequirement = strictObject({
  key: requiredStr,
  operator: oneOf('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt').required(),
  values: stringList,
});

const nodeSelectorTerm = strictObject({
  matchExpressions: Joi.array().items(nodeSelectorRequirement),
  matchFields: Joi.array().items(nodeSelectorRequirement),
});

const affinity = strictObject({
  nodeAffinity: strictObject({
    requiredDuringSchedulingIgnoredDuringExecution: strictObject({
      nodeSelectorTerms: Joi.array().items(nodeSelectorTerm).min(1).required(),
    }),
    preferredDuringSchedulingIgnoredDuringExecution: Joi.array().items(
      strictObject({ weight: Joi.number().integer().min(1).max(100).required(), preference: nodeSelectorTerm.required() }),
    ),
  }),
});

// core/v1 PodDNSConfig: merged into the resolv.conf dnsPolicy gives; with dnsPolicy None it is
// all there is, so it must name a server.
const ipAddress = Joi.string().ip({ cidr: 'forbidden' }).messages({ 'string.ip': 'must be an IP address, e.g. 10.96.0.10' });
const dnsConfig = strictObject({
  nameservers: Joi.array()
    .items(ipAddress)
    .max(3)
    .when('...dnsPolicy', { is: 'None', then: Joi.array().min(1).required() }),
  searches: Joi.array().items(Joi.string().hostname()).max(32),
  options: Joi.array().items(strictObject({ name: requiredStr, value: str })),
});

export const podSpec = strictObject({
  containers: Joi.array().items(container).min(1).required(),
  initContainers: Joi.array().items(container),
  volumes: Joi.array().items(volume),
  restartPolicy: oneOf('Always', 'OnFailure', 'Never'),
  terminationGracePeriodSeconds: nonNegativeInt,
  activeDeadlineSeconds: Joi.number().integer().min(1),
  dnsPolicy: oneOf('ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'),
  dnsConfig: dnsConfig.when('dnsPolicy', { is: 'None', then: Joi.required() }),
  nodeSelector: stringMap,
  nodeName: str,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  imagePullSecrets: Joi.array().items(strictObject({ name: str })),
  securityContext: strictObject({
    runAsUser: nonNegativeInt,
    runAsGroup: nonNegativeInt,
    runAsNonRoot: bool,
    fsGroup: nonNegativeInt,
    supplementalGroups: Joi.array().items(nonNegativeInt),
  }),
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  hostname: str,
  subdomain: str,
  affinity,
  tolerations: Joi.array().items(toleration),
  schedulerName: str,
  priority: int,
  priorityClassName: str,
  enableServiceLinks: bool,
  readinessGates: Joi.array().items(strictObject({ conditionType: requiredStr })),
});

export const podTemplateSpec = strictObject({ metadata: objectMeta, spec: podSpec.required() });

const containerState = strictObject({
  waiting: strictObject({ reason: str, message: str }),
  running: strictObject({ startedAt: timestamp }),
  terminated: strictObject({
    exitCode: int.required(),
    signal: int,
    reason: str,
    message: str,
    startedAt: timestamp,
    finishedAt: timestamp,
    containerID: str,
  }),
});

const containerStatus = strictObject({
  name: requiredStr,
  state: containerState,
  lastState: containerState,
  ready: bool.required(),
  restartCount: nonNegativeInt.required(),
  image: str.required(),
  imageID: str.required(),
  containerID: str,
  started: bool,
});

export const podStatus = strictObject({
  phase: oneOf('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'),
  conditions,
  message: str,
  reason: str,
  hostIP: str,
  podIP: str,
  podIPs: Joi.array().items(strictObject({ ip: requiredStr })),
  nominatedNodeName: str,
  startTime: timestamp,
  initContainerStatuses: Joi.array().items(containerStatus),
  containerStatuses: Joi.array().items(containerStatus),
  qosClass: oneOf('Guaranteed', 'Burstable', 'BestEffort'),
});

export const podSchema = kindSchema('v1', 'Pod', { spec: podSpec.required(), status: podStatus });
