// One or more valid objects of every built-in kind, using most of each schema's fields, for
// tests that compare validators on many variations of realistic objects.
import { deployment, job, pod, service, template } from '../helpers.js';

type Rec = Record<string, unknown>;

const meta = (name: string, extra: Rec = {}): Rec => ({ name, namespace: 'default', ...extra });

const richContainer: Rec = {
  name: 'web',
  image: 'registry.example.com/team/web:1.25.3',
  command: ['/bin/web'],
  args: ['--port', '8080'],
  workingDir: '/srv',
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090, hostPort: 9090, hostIP: '127.0.0.1' }],
  env: [
    { name: 'MODE', value: 'production' },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'KEY', valueFrom: { secretKeyRef: { name: 'creds', key: 'key', optional: true } } },
    { name: 'LIMIT', valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.memory', divisor: '1Mi' } } },
  ],
  envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings' } }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
  volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'cache', mountPath: '/cache', subPath: 'web' }],
  livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, periodSeconds: 5 },
  readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 2, failureThreshold: 5 },
  startupProbe: { exec: { command: ['cat', '/ready'] }, failureThreshold: 30 },
  lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
  terminationMessagePolicy: 'FallbackToLogsOnError',
  imagePullPolicy: 'IfNotPresent',
  securityContext: { runAsUser: 1000, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
  stdin: false,
  tty: false,
};

const richSpec: Rec = {
  containers: [richContainer, { name: 'sidecar', image: 'busybox', command: ['sleep', 'inf'] }],
  initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }, { name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' }],
  volumes: [
    { name: 'data', hostPath: { path: '/var/data', type: 'DirectoryOrCreate' } },
    { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'cfg', configMap: { name: 'settings', items: [{ key: 'a', path: 'a.conf', mode: 0o600 }], defaultMode: 0o644 } },
    { name: 'sec', secret: { secretName: 'creds', optional: true } },
  ],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 10,
  activeDeadlineSeconds: 600,
  dnsPolicy: 'None',
  dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  serviceAccountName: 'web',
  automountServiceAccountToken: false,
  imagePullSecrets: [{ name: 'registry' }],
  securityContext: { fsGroup: 2000, supplementalGroups: [3000] },
  hostname: 'web-0',
  subdomain: 'web',
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
      ],
    },
  },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoExecute', tolerationSeconds: 30 }],
  schedulerName: 'default-scheduler',
  priority: 100,
  priorityClassName: 'high',
  enableServiceLinks: false,
  readinessGates: [{ conditionType: 'example.com/ready' }],
};

const podStatus: Rec = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-23T19:00:01Z' }],
  hostIP: '10.0.0.2',
  podIP: '10.244.1.5',
  podIPs: [{ ip: '10.244.1.5' }],
  startTime: '2026-11-23T19:00:00Z',
  containerStatuses: [
    {
      name: 'web',
      ready: true,
      restartCount: 1,
      image: 'registry.example.com/team/web:1.25.3',
      imageID: 'sha256:abc',
      containerID: 'containerd://1',
      started: true,
      state: { running: { startedAt: '2026-11-23T19:00:01Z' } },
      lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', startedAt: '2026-11-23T18:00:00Z', finishedAt: '2026-11-23T18:59:00Z' } },
    },
  ],
  qosClass: 'Burstable',
};

const conditions = [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastUpdateTime: '2026-11-23T19:00:00Z' }];

/** Fresh copies on every call: tests mutate them. */
export function samples(): Rec[] {
  return [
    pod(),
    { ...pod(richSpec, { labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, annotations: { 'example.com/owner': 'team' } }), status: podStatus },
    {
      ...pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, {
        generateName: 'web-',
        name: undefined,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/keep'],
      }),
    },
    deployment(),
    deployment({
      replicas: 3,
      minReadySeconds: 5,
      revisionHistoryLimit: 2,
      progressDeadlineSeconds: 300,
      paused: false,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '50%' } },
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
      template: template({ app: 'web', tier: 'front' }, { containers: [richContainer], volumes: richSpec.volumes }),
    }),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('web'),
      spec: { selector: { matchLabels: { app: 'web' } }, template: template(), strategy: { type: 'Recreate' } },
      status: { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2, conditions },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta('web-1', { labels: { app: 'web' } }),
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template() },
      status: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 },
    },
    {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: meta('redis'),
      spec: { replicas: 1, selector: { app: 'redis' }, template: template({ app: 'redis' }) },
      status: { replicas: 1 },
    },
    service(),
    service({ type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP', appProtocol: 'http' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
    service({ clusterIP: 'None', ports: [] }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('ext'),
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
    },
    service({
      type: 'LoadBalancer',
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      externalIPs: ['192.0.2.1'],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      publishNotReadyAddresses: true,
    }),
    job(),
    job({ completions: 3, parallelism: 2, backoffLimit: 1, completionMode: 'Indexed', ttlSecondsAfterFinished: 60, activeDeadlineSeconds: 120, suspend: false }),
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('nightly'),
      spec: {
        schedule: '0 3 * * *',
        timeZone: 'Europe/Paris',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 100,
        successfulJobsHistoryLimit: 1,
        jobTemplate: { metadata: { labels: { job: 'nightly' } }, spec: { template: template({ job: 'nightly' }, { restartPolicy: 'OnFailure' }) } },
      },
      status: { lastScheduleTime: '2026-11-23T03:00:00Z', active: [{ kind: 'Job', name: 'nightly-1', namespace: 'default', uid: 'u' }] },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], unschedulable: false, taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: '2', memory: '4Gi', pods: 110 },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-11-23T19:00:00Z', lastTransitionTime: '2026-11-23T18:00:00Z' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'node-1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: { machineID: 'm', kubeletVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64' },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta('web'),
      subsets: [
        {
          addresses: [{ ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u' } }],
          notReadyAddresses: [{ ip: '10.244.1.6', hostname: 'web-2' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { 'a.conf': 'x=1', empty: '' }, binaryData: { blob: 'AAEC' }, immutable: false },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('creds'), type: 'Opaque', data: { key: 'c2VjcmV0' }, stringData: { other: 'plain' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('web'), secrets: [{ name: 'web-token' }], imagePullSecrets: [{ name: 'registry' }], automountServiceAccountToken: true },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta('web.1'),
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default', uid: 'u', fieldPath: 'spec.containers{web}' },
      reason: 'Started',
      message: 'Started container web',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2026-11-23T19:00:00Z',
      lastTimestamp: '2026-11-23T19:00:00Z',
      count: 1,
      reportingComponent: 'kubelet',
      series: { count: 2, lastObservedTime: '2026-11-23T19:00:05Z' },
    },
    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: meta('leader'),
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: '2026-11-23T19:00:00Z', renewTime: '2026-11-23T19:00:10Z', leaseTransitions: 1 },
    },
  ].map((o) => JSON.parse(JSON.stringify(o)) as Rec);
}
