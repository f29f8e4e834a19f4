// The Pod and the pod template (k8s.io.api.core.v1), as far as Corral's pod schema reaches.
import { ObjectMeta } from './meta.js';
import { INLINE, KEEP, LIST, message } from './schema.js';

const CORE = 'k8s.io.api.core.v1';

const LocalObjectReference = message(`${CORE}.LocalObjectReference`, { 1: 'name' });

const ConfigMapKeySelector = message(`${CORE}.ConfigMapKeySelector`, {
  1: ['localObjectReference', LocalObjectReference, INLINE],
  2: ['key', 'string', KEEP],
  3: ['optional', 'bool', KEEP],
});

const SecretKeySelector = message(`${CORE}.SecretKeySelector`, {
  1: ['localObjectReference', LocalObjectReference, INLINE],
  2: ['key', 'string', KEEP],
  3: ['optional', 'bool', KEEP],
});

const EnvVarSource = message(`${CORE}.EnvVarSource`, {
  1: ['fieldRef', message(`${CORE}.ObjectFieldSelector`, { 1: 'apiVersion', 2: ['fieldPath', 'string', KEEP] })],
  2: [
    'resourceFieldRef',
    message(`${CORE}.ResourceFieldSelector`, { 1: 'containerName', 2: ['resource', 'string', KEEP], 3: ['divisor', 'quantity'] }),
  ],
  3: ['configMapKeyRef', ConfigMapKeySelector],
  4: ['secretKeyRef', SecretKeySelector],
});

const EnvVar = message(`${CORE}.EnvVar`, { 1: ['name', 'string', KEEP], 2: 'value', 3: ['valueFrom', EnvVarSource] });

const EnvFromSource = message(`${CORE}.EnvFromSource`, {
  1: 'prefix',
  2: [
    'configMapRef',
    message(`${CORE}.ConfigMapEnvSource`, { 1: ['localObjectReference', LocalObjectReference, INLINE], 2: ['optional', 'bool', KEEP] }),
  ],
  3: [
    'secretRef',
    message(`${CORE}.SecretEnvSource`, { 1: ['localObjectReference', LocalObjectReference, INLINE], 2: ['optional', 'bool', KEEP] }),
  ],
});

const ContainerPort = message(`${CORE}.ContainerPort`, {
  1: 'name',
  2: ['hostPort', 'int'],
  3: ['containerPort', 'int', KEEP],
  4: 'protocol',
  5: 'hostIP',
});

const ResourceRequirements = message(`${CORE}.ResourceRequirements`, {
  1: ['limits', 'quantityMap'],
  2: ['requests', 'quantityMap'],
});

const VolumeMount = message(`${CORE}.VolumeMount`, {
  1: ['name', 'string', KEEP],
  2: ['readOnly', 'bool'],
  3: ['mountPath', 'string', KEEP],
  4: 'subPath',
});

const ExecAction = message(`${CORE}.ExecAction`, { 1: ['command', 'string', LIST] });

const HTTPGetAction = message(`${CORE}.HTTPGetAction`, {
  1: 'path',
  2: ['port', 'intstr', KEEP],
  3: 'host',
  4: 'scheme',
  5: ['httpHeaders', message(`${CORE}.HTTPHeader`, { 1: ['name', 'string', KEEP], 2: ['value', 'string', KEEP] }), LIST],
});

const TCPSocketAction = message(`${CORE}.TCPSocketAction`, { 1: ['port', 'intstr', KEEP], 2: 'host' });

const ProbeHandler = message(`${CORE}.ProbeHandler`, {
  1: ['exec', ExecAction],
  2: ['httpGet', HTTPGetAction],
  3: ['tcpSocket', TCPSocketAction],
});

const LifecycleHandler = message(`${CORE}.LifecycleHandler`, {
  1: ['exec', ExecAction],
  2: ['httpGet', HTTPGetAction],
  3: ['tcpSocket', TCPSocketAction],
});

const Probe = message(`${CORE}.Probe`, {
  1: ['handler', ProbeHandler, INLINE],
  2: ['initialDelaySeconds', 'int'],
  3: ['timeoutSeconds', 'int'],
  4: ['periodSeconds', 'int'],
  5: ['successThreshold', 'int'],
  6: ['failureThreshold', 'int'],
  7: ['terminationGracePeriodSeconds', 'int', KEEP],
});

const SecurityContext = message(`${CORE}.SecurityContext`, {
  1: ['capabilities', message(`${CORE}.Capabilities`, { 1: ['add', 'string', LIST], 2: ['drop', 'string', LIST] })],
  2: ['privileged', 'bool', KEEP],
  4: ['runAsUser', 'int', KEEP],
  8: ['runAsGroup', 'int', KEEP],
  5: ['runAsNonRoot', 'bool', KEEP],
  6: ['readOnlyRootFilesystem', 'bool', KEEP],
  7: ['allowPrivilegeEscalation', 'bool', KEEP],
});

export const Container = message(`${CORE}.Container`, {
  1: ['name', 'string', KEEP],
  2: 'image',
  3: ['command', 'string', LIST],
  4: ['args', 'string', LIST],
  5: 'workingDir',
  6: ['ports', ContainerPort, LIST],
  19: ['envFrom', EnvFromSource, LIST],
  7: ['env', EnvVar, LIST],
  8: ['resources', ResourceRequirements],
  24: ['restartPolicy', 'string', KEEP],
  9: ['volumeMounts', VolumeMount, LIST],
  10: ['livenessProbe', Probe],
  11: ['readinessProbe', Probe],
  22: ['startupProbe', Probe],
  12: ['lifecycle', message(`${CORE}.Lifecycle`, { 1: ['postStart', LifecycleHandler], 2: ['preStop', LifecycleHandler] })],
  13: 'terminationMessagePath',
  20: 'terminationMessagePolicy',
  14: 'imagePullPolicy',
  15: ['securityContext', SecurityContext],
  16: ['stdin', 'bool'],
  17: ['stdinOnce', 'bool'],
  18: ['tty', 'bool'],
});

const KeyToPath = message(`${CORE}.KeyToPath`, {
  1: ['key', 'string', KEEP],
  2: ['path', 'string', KEEP],
  3: ['mode', 'int', KEEP],
});

const VolumeSource = message(`${CORE}.VolumeSource`, {
  1: ['hostPath', message(`${CORE}.HostPathVolumeSource`, { 1: ['path', 'string', KEEP], 2: ['type', 'string', KEEP] })],
  2: ['emptyDir', message(`${CORE}.EmptyDirVolumeSource`, { 1: 'medium', 2: ['sizeLimit', 'quantity', KEEP] })],
  6: [
    'secret',
    message(`${CORE}.SecretVolumeSource`, {
      1: 'secretName',
      2: ['items', KeyToPath, LIST],
      3: ['defaultMode', 'int', KEEP],
      4: ['optional', 'bool', KEEP],
    }),
  ],
  19: [
    'configMap',
    message(`${CORE}.ConfigMapVolumeSource`, {
      1: ['localObjectReference', LocalObjectReference, INLINE],
      2: ['items', KeyToPath, LIST],
      3: ['defaultMode', 'int', KEEP],
      4: ['optional', 'bool', KEEP],
    }),
  ],
});

const Volume = message(`${CORE}.Volume`, { 1: ['name', 'string', KEEP], 2: ['volumeSource', VolumeSource, INLINE] });

const Toleration = message(`${CORE}.Toleration`, {
  1: 'key',
  2: 'operator',
  3: 'value',
  4: 'effect',
  5: ['tolerationSeconds', 'int', KEEP],
});

const NodeSelectorRequirement = message(`${CORE}.NodeSelectorRequirement`, {
  1: ['key', 'string', KEEP],
  2: ['operator', 'string', KEEP],
  3: ['values', 'string', LIST],
});

const NodeSelectorTerm = message(`${CORE}.NodeSelectorTerm`, {
  1: ['matchExpressions', NodeSelectorRequirement, LIST],
  2: ['matchFields', NodeSelectorRequirement, LIST],
});

const Affinity = message(`${CORE}.Affinity`, {
  1: [
    'nodeAffinity',
    message(`${CORE}.NodeAffinity`, {
      1: [
        'requiredDuringSchedulingIgnoredDuringExecution',
        message(`${CORE}.NodeSelector`, { 1: ['nodeSelectorTerms', NodeSelectorTerm, LIST] }),
      ],
      2: [
        'preferredDuringSchedulingIgnoredDuringExecution',
        message(`${CORE}.PreferredSchedulingTerm`, { 1: ['weight', 'int', KEEP], 2: ['preference', NodeSelectorTerm] }),
        LIST,
      ],
    }),
  ],
});

const PodSecurityContext = message(`${CORE}.PodSecurityContext`, {
  2: ['runAsUser', 'int', KEEP],
  6: ['runAsGroup', 'int', KEEP],
  3: ['runAsNonRoot', 'bool', KEEP],
  4: ['supplementalGroups', 'int', LIST],
  5: ['fsGroup', 'int', KEEP],
});

const PodDNSConfig = message(`${CORE}.PodDNSConfig`, {
  1: ['nameservers', 'string', LIST],
  2: ['searches', 'string', LIST],
  3: ['options', message(`${CORE}.PodDNSConfigOption`, { 1: 'name', 2: 'value' }), LIST],
});

export const PodSpec = message(`${CORE}.PodSpec`, {
  1: ['volumes', Volume, LIST],
  20: ['initContainers', Container, LIST],
  2: ['containers', Container, LIST],
  3: 'restartPolicy',
  4: ['terminationGracePeriodSeconds', 'int', KEEP],
  5: ['activeDeadlineSeconds', 'int', KEEP],
  6: 'dnsPolicy',
  7: ['nodeSelector', 'stringMap'],
  8: 'serviceAccountName',
  9: 'serviceAccount',
  21: ['automountServiceAccountToken', 'bool', KEEP],
  10: 'nodeName',
  11: ['hostNetwork', 'bool'],
  12: ['hostPID', 'bool'],
  13: ['hostIPC', 'bool'],
  14: ['securityContext', PodSecurityContext],
  15: ['imagePullSecrets', LocalObjectReference, LIST],
  16: 'hostname',
  17: 'subdomain',
  18: ['affinity', Affinity],
  19: 'schedulerName',
  22: ['tolerations', Toleration, LIST],
  24: 'priorityClassName',
  25: ['priority', 'int', KEEP],
  26: ['dnsConfig', PodDNSConfig],
  28: ['readinessGates', message(`${CORE}.PodReadinessGate`, { 1: ['conditionType', 'string', KEEP] }), LIST],
  30: ['enableServiceLinks', 'bool', KEEP],
});

export const PodTemplateSpec = message(`${CORE}.PodTemplateSpec`, { 1: ['metadata', ObjectMeta], 2: ['spec', PodSpec] });

const ContainerStateTerminated = message(`${CORE}.ContainerStateTerminated`, {
  1: ['exitCode', 'int', KEEP],
  2: ['signal', 'int'],
  3: 'reason',
  4: 'message',
  5: ['startedAt', 'time'],
  6: ['finishedAt', 'time'],
  7: 'containerID',
});

const ContainerState = message(`${CORE}.ContainerState`, {
  1: ['waiting', message(`${CORE}.ContainerStateWaiting`, { 1: 'reason', 2: 'message' })],
  2: ['running', message(`${CORE}.ContainerStateRunning`, { 1: ['startedAt', 'time'] })],
  3: ['terminated', ContainerStateTerminated],
});

const ContainerStatus = message(`${CORE}.ContainerStatus`, {
  1: ['name', 'string', KEEP],
  2: ['state', ContainerState],
  3: ['lastState', ContainerState],
  4: ['ready', 'bool', KEEP],
  5: ['restartCount', 'int', KEEP],
  6: ['image', 'string', KEEP],
  7: ['imageID', 'string', KEEP],
  8: 'containerID',
  9: ['started', 'bool', KEEP],
});

const PodCondition = message(`${CORE}.PodCondition`, {
  1: ['type', 'string', KEEP],
  2: ['status', 'string', KEEP],
  3: ['lastProbeTime', 'time'],
  4: ['lastTransitionTime', 'time'],
  5: 'reason',
  6: 'message',
});

const PodStatus = message(`${CORE}.PodStatus`, {
  1: 'phase',
  2: ['conditions', PodCondition, LIST],
  3: 'message',
  4: 'reason',
  11: 'nominatedNodeName',
  5: 'hostIP',
  6: 'podIP',
  12: ['podIPs', message(`${CORE}.PodIP`, { 1: ['ip', 'string', KEEP] }), LIST],
  7: ['startTime', 'time'],
  10: ['initContainerStatuses', ContainerStatus, LIST],
  8: ['containerStatuses', ContainerStatus, LIST],
  9: 'qosClass',
});

export const Pod = message(`${CORE}.Pod`, { 1: ['metadata', ObjectMeta], 2: ['spec', PodSpec], 3: ['status', PodStatus] });
