// Kubernetes' defaults for every kind but Pod. Each exported function is pure and idempotent:
// it returns a defaulted copy, and defaulting that copy again changes nothing.
import { isRecord, nonEmptyString, recordItems, stringEntries } from '../objects.js';
import type {
  ConfigMap,
  CronJob,
  Deployment,
  Endpoints,
  Event,
  Job,
  Lease,
  Namespace,
  Node,
  ReplicaSet,
  ReplicationController,
  Secret,
  Service,
  ServiceAccount,
} from '../types.js';
import { child, fillPodTemplate, pure, setDefault } from './pod.js';

type Rec = Record<string, unknown>;

/** The label every namespace carries with its own name, for namespace selectors. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Labels that tie a Job's pods to it when the selector is generated. */
export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

function templateLabels(spec: Rec): Rec | undefined {
  const template = spec.template;
  if (!isRecord(template) || !isRecord(template.metadata) || !isRecord(template.metadata.labels)) return undefined;
  return Object.keys(template.metadata.labels).length > 0 ? template.metadata.labels : undefined;
}

function isEmptyMap(value: unknown): boolean {
  return value === undefined || (isRecord(value) && Object.keys(value).length === 0);
}

function fillNamespace(ns: Rec): void {
  const meta = ns.metadata;
  if (isRecord(meta) && nonEmptyString(meta.name)) {
    const labels = child(meta, 'labels');
    if (labels) labels[NAMESPACE_NAME_LABEL] = meta.name;
  }
  const status = child(ns, 'status');
  if (status) setDefault(status, 'phase', 'Active');
}

function fillNode(node: Rec): void {
  const status = node.status;
  if (isRecord(status) && isRecord(status.capacity)) setDefault(status, 'allocatable', { ...status.capacity });
}

function fillService(svc: Rec): void {
  const spec = svc.spec;
  if (!isRecord(spec)) return;
  const type = setDefault(spec, 'type', 'ClusterIP');
  const affinity = setDefault(spec, 'sessionAffinity', 'None');
  if (affinity === 'ClientIP') {
    const config = child(spec, 'sessionAffinityConfig');
    const clientIP = config && child(config, 'clientIP');
    if (clientIP) setDefault(clientIP, 'timeoutSeconds', 10800);
  }
  if (type !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (nonEmptyString(spec.clusterIP)) setDefault(spec, 'clusterIPs', [spec.clusterIP]);
  for (const [, port] of recordItems(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
}

function fillEndpoints(ep: Rec): void {
  for (const [, subset] of recordItems(ep.subsets)) {
    for (const [, port] of recordItems(subset.ports)) setDefault(port, 'protocol', 'TCP');
  }
}

function fillSecret(secret: Rec): void {
  setDefault(secret, 'type', 'Opaque');
  // stringData is a write-only convenience: it lands in data, base64-encoded, and is dropped.
  if (isRecord(secret.stringData)) {
    const data = child(secret, 'data');
    if (data) {
      for (const [key, value] of stringEntries(secret.stringData)) data[key] = Buffer.from(value, 'utf8').toString('base64');
      delete secret.stringData;
    }
  }
}

function fillReplicationController(rc: Rec): void {
  const spec = rc.spec;
  if (!isRecord(spec)) return;
  setDefault(spec, 'replicas', 1);
  // As in Kubernetes: the template's labels stand in for a missing selector and missing labels.
  const labels = templateLabels(spec);
  if (labels) {
    if (isEmptyMap(spec.selector)) spec.selector = { ...labels };
    const meta = rc.metadata;
    if (isRecord(meta) && isEmptyMap(meta.labels)) meta.labels = { ...labels };
  }
  fillPodTemplate(spec.template);
}

function fillReplicaSet(rs: Rec): void {
  const spec = rs.spec;
  if (!isRecord(spec)) return;
  setDefault(spec, 'replicas', 1);
  fillPodTemplate(spec.template);
}

function fillDeployment(deploy: Rec): void {
  const spec = deploy.spec;
  if (!isRecord(spec)) return;
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  const strategy = child(spec, 'strategy');
  if (strategy && setDefault(strategy, 'type', 'RollingUpdate') === 'RollingUpdate') {
    const rolling = child(strategy, 'rollingUpdate');
    if (rolling) {
      setDefault(rolling, 'maxUnavailable', '25%');
      setDefault(rolling, 'maxSurge', '25%');
    }
  }
  fillPodTemplate(spec.template);
}

function fillJobSpec(spec: Rec): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  fillPodTemplate(spec.template);
}

/**
 * A Job without `manualSelector` gets a selector on its own uid, and its template the matching
 * labels, once the object has a uid (so on create, after the server assigned one).
 */
function generateJobSelector(job: Rec, spec: Rec): void {
  const meta = isRecord(job.metadata) ? job.metadata : {};
  if (spec.manualSelector === true || spec.selector !== undefined || !nonEmptyString(meta.uid)) return;
  const template = child(spec, 'template');
  const templateMeta = template && child(template, 'metadata');
  const labels = templateMeta && child(templateMeta, 'labels');
  if (!labels) return;
  labels[JOB_CONTROLLER_UID_LABEL] = meta.uid;
  if (nonEmptyString(meta.name)) labels[JOB_NAME_LABEL] = meta.name;
  spec.selector = { matchLabels: { [JOB_CONTROLLER_UID_LABEL]: meta.uid } };
}

function fillJob(job: Rec): void {
  const spec = job.spec;
  if (!isRecord(spec)) return;
  const labels = templateLabels(spec);
  const meta = job.metadata;
  if (labels && isRecord(meta) && isEmptyMap(meta.labels)) meta.labels = { ...labels };
  fillJobSpec(spec);
  generateJobSelector(job, spec);
}

function fillCronJob(cj: Rec): void {
  const spec = cj.spec;
  if (!isRecord(spec)) return;
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = spec.jobTemplate;
  if (isRecord(jobTemplate) && isRecord(jobTemplate.spec)) fillPodTemplate(jobTemplate.spec.template);
}

function nothing(): void {}

export const defaultNamespace: (ns: Namespace) => Namespace = pure(fillNamespace);
export const defaultNode: (node: Node) => Node = pure(fillNode);
export const defaultService: (svc: Service) => Service = pure(fillService);
export const defaultEndpoints: (ep: Endpoints) => Endpoints = pure(fillEndpoints);
export const defaultConfigMap: (cm: ConfigMap) => ConfigMap = pure(nothing);
export const defaultSecret: (secret: Secret) => Secret = pure(fillSecret);
export const defaultServiceAccount: (sa: ServiceAccount) => ServiceAccount = pure(nothing);
export const defaultEvent: (event: Event) => Event = pure(nothing);
export const defaultReplicationController: (rc: ReplicationController) => ReplicationController =
  pure(fillReplicationController);
export const defaultReplicaSet: (rs: ReplicaSet) => ReplicaSet = pure(fillReplicaSet);
export const defaultDeployment: (deploy: Deployment) => Deployment = pure(fillDeployment);
export const defaultJob: (job: Job) => Job = pure(fillJob);
export const defaultCronJob: (cj: CronJob) => CronJob = pure(fillCronJob);
export const defaultLease: (lease: Lease) => Lease = pure(nothing);
