// Definition names as Kubernetes spells them (`io.k8s.api.core.v1.PodSpec`), so that kubectl's
// explain shows familiar type names and clients generated against Kubernetes' documents find
// the same names here. The joi schemas are anonymous, so a nested type is named after where it
// sits: its parent type and field.

export const META_PACKAGE = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const CORE_PACKAGE = 'io.k8s.api.core.v1';

/** The definition name prefix of a group-version's own types. */
export function packageOf(group: string, version: string): string {
  if (group === '') return `io.k8s.api.core.${version}`;
  // Kubernetes' groups (`apps`, `coordination.k8s.io`) live under io.k8s.api.<first label>;
  // anyone else's group is written reversed, as the Kubernetes CRD convention does.
  if (!group.includes('.') || group.endsWith('.k8s.io')) return `io.k8s.api.${group.split('.')[0]}.${version}`;
  return `${group.split('.').reverse().join('.')}.${version}`;
}

const META = new Set(['ObjectMeta', 'OwnerReference', 'LabelSelector', 'LabelSelectorRequirement', 'Condition']);

/**
 * `Parent.field` -> the type's name. A bare name lives in its parent's package unless it is a
 * meta type; `core.X` is a core type referenced from another group (pod templates).
 */
const BY_FIELD: Readonly<Record<string, string>> = {
  'ObjectMeta.ownerReferences': 'OwnerReference',
  'LabelSelector.matchExpressions': 'LabelSelectorRequirement',
  'NamespaceStatus.conditions': 'NamespaceCondition',
  'NodeSpec.taints': 'Taint',
  'NodeStatus.conditions': 'NodeCondition',
  'NodeStatus.addresses': 'NodeAddress',
  'NodeStatus.daemonEndpoints': 'NodeDaemonEndpoints',
  'NodeDaemonEndpoints.kubeletEndpoint': 'DaemonEndpoint',
  'NodeStatus.nodeInfo': 'NodeSystemInfo',
  'PodSpec.containers': 'Container',
  'PodSpec.initContainers': 'Container',
  'PodSpec.volumes': 'Volume',
  'PodSpec.imagePullSecrets': 'LocalObjectReference',
  'ServiceAccount.secrets': 'ObjectReference',
  'ServiceAccount.imagePullSecrets': 'LocalObjectReference',
  'PodSpec.securityContext': 'PodSecurityContext',
  'PodSpec.affinity': 'Affinity',
  'PodSpec.tolerations': 'Toleration',
  'PodSpec.readinessGates': 'PodReadinessGate',
  'Container.ports': 'ContainerPort',
  'Container.env': 'EnvVar',
  'Container.envFrom': 'EnvFromSource',
  'Container.resources': 'ResourceRequirements',
  'Container.volumeMounts': 'VolumeMount',
  'Container.livenessProbe': 'Probe',
  'Container.readinessProbe': 'Probe',
  'Container.startupProbe': 'Probe',
  'Container.lifecycle': 'Lifecycle',
  'Container.securityContext': 'SecurityContext',
  'SecurityContext.capabilities': 'Capabilities',
  'EnvVar.valueFrom': 'EnvVarSource',
  'EnvVarSource.configMapKeyRef': 'ConfigMapKeySelector',
  'EnvVarSource.secretKeyRef': 'SecretKeySelector',
  'EnvVarSource.fieldRef': 'ObjectFieldSelector',
  'EnvVarSource.resourceFieldRef': 'ResourceFieldSelector',
  'EnvFromSource.configMapRef': 'ConfigMapEnvSource',
  'EnvFromSource.secretRef': 'SecretEnvSource',
  'Probe.exec': 'ExecAction',
  'Probe.httpGet': 'HTTPGetAction',
  'Probe.tcpSocket': 'TCPSocketAction',
  'Lifecycle.postStart': 'LifecycleHandler',
  'Lifecycle.preStop': 'LifecycleHandler',
  'LifecycleHandler.exec': 'ExecAction',
  'LifecycleHandler.httpGet': 'HTTPGetAction',
  'LifecycleHandler.tcpSocket': 'TCPSocketAction',
  'HTTPGetAction.httpHeaders': 'HTTPHeader',
  'Volume.emptyDir': 'EmptyDirVolumeSource',
  'Volume.hostPath': 'HostPathVolumeSource',
  'Volume.configMap': 'ConfigMapVolumeSource',
  'Volume.secret': 'SecretVolumeSource',
  'ConfigMapVolumeSource.items': 'KeyToPath',
  'SecretVolumeSource.items': 'KeyToPath',
  'Affinity.nodeAffinity': 'NodeAffinity',
  'NodeAffinity.requiredDuringSchedulingIgnoredDuringExecution': 'NodeSelector',
  'NodeAffinity.preferredDuringSchedulingIgnoredDuringExecution': 'PreferredSchedulingTerm',
  'NodeSelector.nodeSelectorTerms': 'NodeSelectorTerm',
  'PreferredSchedulingTerm.preference': 'NodeSelectorTerm',
  'NodeSelectorTerm.matchExpressions': 'NodeSelectorRequirement',
  'NodeSelectorTerm.matchFields': 'NodeSelectorRequirement',
  'PodStatus.conditions': 'PodCondition',
  'PodStatus.podIPs': 'PodIP',
  'PodStatus.initContainerStatuses': 'ContainerStatus',
  'PodStatus.containerStatuses': 'ContainerStatus',
  'ContainerStatus.state': 'ContainerState',
  'ContainerStatus.lastState': 'ContainerState',
  'ContainerState.waiting': 'ContainerStateWaiting',
  'ContainerState.running': 'ContainerStateRunning',
  'ContainerState.terminated': 'ContainerStateTerminated',
  'ServiceSpec.ports': 'ServicePort',
  'ServiceSpec.sessionAffinityConfig': 'SessionAffinityConfig',
  'SessionAffinityConfig.clientIP': 'ClientIPConfig',
  'ServiceStatus.loadBalancer': 'LoadBalancerStatus',
  'ServiceStatus.conditions': 'Condition',
  'LoadBalancerStatus.ingress': 'LoadBalancerIngress',
  'Endpoints.subsets': 'EndpointSubset',
  'EndpointSubset.addresses': 'EndpointAddress',
  'EndpointSubset.notReadyAddresses': 'EndpointAddress',
  'EndpointSubset.ports': 'EndpointPort',
  'EndpointAddress.targetRef': 'ObjectReference',
  'ReplicationControllerSpec.template': 'PodTemplateSpec',
  'ReplicationControllerStatus.conditions': 'ReplicationControllerCondition',
  'PodTemplateSpec.spec': 'PodSpec',
  'Event.involvedObject': 'ObjectReference',
  'Event.related': 'ObjectReference',
  'Event.source': 'EventSource',
  'Event.series': 'EventSeries',
  'DeploymentSpec.selector': 'LabelSelector',
  'DeploymentSpec.template': 'core.PodTemplateSpec',
  'DeploymentSpec.strategy': 'DeploymentStrategy',
  'DeploymentStrategy.rollingUpdate': 'RollingUpdateDeployment',
  'DeploymentStatus.conditions': 'DeploymentCondition',
  'ReplicaSetSpec.selector': 'LabelSelector',
  'ReplicaSetSpec.template': 'core.PodTemplateSpec',
  'ReplicaSetStatus.conditions': 'ReplicaSetCondition',
  'JobSpec.selector': 'LabelSelector',
  'JobSpec.template': 'core.PodTemplateSpec',
  'JobStatus.conditions': 'JobCondition',
  'CronJobSpec.jobTemplate': 'JobTemplateSpec',
  'JobTemplateSpec.spec': 'JobSpec',
  'CronJobStatus.active': 'core.ObjectReference',
};

/** A type's place: its package and short name; the definition name joins them. */
export interface TypeName {
  readonly pkg: string;
  readonly name: string;
}

export const qualified = (t: TypeName): string => `${t.pkg}.${t.name}`;

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The name of the object type found at `parent.field`. `metadata` is ObjectMeta everywhere;
 * a kind's `spec` and `status` are `<Kind>Spec` and `<Kind>Status`; otherwise the table, and
 * for fields it does not know (a plugin's kinds), the parent's name and the field's.
 */
export function nestedTypeName(parent: TypeName, field: string): TypeName {
  if (field === 'metadata') return { pkg: META_PACKAGE, name: 'ObjectMeta' };
  const known = BY_FIELD[`${parent.name}.${field}`];
  if (known?.startsWith('core.')) return { pkg: CORE_PACKAGE, name: known.slice('core.'.length) };
  if (known) return { pkg: META.has(known) ? META_PACKAGE : parent.pkg, name: known };
  return { pkg: parent.pkg, name: parent.name + upperFirst(field) };
}
