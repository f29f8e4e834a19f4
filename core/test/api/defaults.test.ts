import test from 'ava';
import {
  builtinResources,
  defaultCronJob,
  defaultDeployment,
  defaultJob,
  defaultNamespace,
  defaultNode,
  defaultPod,
  defaultPullPolicy,
  defaultReplicaSet,
  defaultReplicationController,
  defaultSecret,
  defaultService,
  deepEqual,
  type CronJob,
  type Deployment,
  type Job,
  type Pod,
  type ReplicationController,
  type Secret,
  type Service,
} from '../../src/api/index.js';
import { deployment, job, pod, service, template } from './helpers.js';

test('pod spec defaults: restart, grace period, DNS, scheduler, container fields', (t) => {
  const out = defaultPod(pod({ containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] }) as Pod);
  t.like(out.spec, {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
  });
  t.deepEqual(out.spec.containers[0], {
    name: 'web',
    image: 'nginx:1.25',
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  });
  t.deepEqual(out.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('imagePullPolicy: Always for :latest or no tag, else IfNotPresent', (t) => {
  t.is(defaultPullPolicy('nginx'), 'Always');
  t.is(defaultPullPolicy('nginx:latest'), 'Always');
  t.is(defaultPullPolicy('nginx:1.7.9'), 'IfNotPresent');
  t.is(defaultPullPolicy('localhost:5000/app'), 'Always');
  t.is(defaultPullPolicy('localhost:5000/app:v2'), 'IfNotPresent');
  t.is(defaultPullPolicy('app@sha256:abcd'), 'IfNotPresent');
  const given = defaultPod(pod({ containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Never' }] }) as Pod);
  t.is(given.spec.containers[0]?.imagePullPolicy, 'Never');
});

test('probe timing, HTTP path and scheme, requests from limits, volume sources', (t) => {
  const out = defaultPod(
    pod({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          readinessProbe: { httpGet: { port: 80 } },
          livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
          resources: { limits: { cpu: '500m', memory: '128Mi' } },
        },
      ],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }],
    }) as Pod,
  );
  const c = out.spec.containers[0]!;
  t.deepEqual(c.readinessProbe, {
    httpGet: { port: 80, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  t.is(c.livenessProbe?.periodSeconds, 5);
  t.deepEqual(c.resources?.requests, { cpu: '500m', memory: '128Mi' });
  t.deepEqual(out.spec.volumes, [
    { name: 'scratch', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o644 } },
  ]);
  t.is(out.status?.qosClass, 'Guaranteed');
});

test('service defaults: ClusterIP, None affinity, TCP, targetPort = port', (t) => {
  const out = defaultService(service({ ports: [{ port: 80 }, { name: 'b', port: 53, protocol: 'UDP', targetPort: 'dns' }] }) as Service);
  t.is(out.spec.type, 'ClusterIP');
  t.is(out.spec.sessionAffinity, 'None');
  t.is(out.spec.internalTrafficPolicy, 'Cluster');
  t.deepEqual(out.spec.ports, [
    { port: 80, protocol: 'TCP', targetPort: 80 },
    { name: 'b', port: 53, protocol: 'UDP', targetPort: 'dns' },
  ]);
  const sticky = defaultService(service({ sessionAffinity: 'ClientIP' }) as Service);
  t.deepEqual(sticky.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('deployment defaults: one replica, RollingUpdate 25%/25%, history 10, deadline 600', (t) => {
  const out = defaultDeployment(deployment() as Deployment);
  t.is(out.spec.replicas, 1);
  t.deepEqual(out.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  t.is(out.spec.revisionHistoryLimit, 10);
  t.is(out.spec.progressDeadlineSeconds, 600);
  t.is(out.spec.template.spec.restartPolicy, 'Always');
  const recreate = defaultDeployment(deployment({ strategy: { type: 'Recreate' } }) as Deployment);
  t.deepEqual(recreate.spec.strategy, { type: 'Recreate' });
  t.is(defaultReplicaSet({ ...deployment(), apiVersion: 'apps/v1', kind: 'ReplicaSet' } as never).spec.replicas, 1);
});

test('replication controller: selector and labels default from the template labels', (t) => {
  const rc = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'redis' },
    spec: { template: template({ name: 'redis' }) },
  } as unknown as ReplicationController;
  const out = defaultReplicationController(rc);
  t.deepEqual(out.spec.selector, { name: 'redis' });
  t.deepEqual(out.metadata.labels, { name: 'redis' });
  t.is(out.spec.replicas, 1);
  const kept = defaultReplicationController({ ...rc, metadata: { name: 'r', labels: { own: 'x' } }, spec: { ...rc.spec, selector: { name: 'redis' } } });
  t.deepEqual(kept.metadata.labels, { own: 'x' });
});

test('job defaults: completions/parallelism 1, backoffLimit 6, generated selector once it has a uid', (t) => {
  const out = defaultJob(job() as Job);
  t.like(out.spec, { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
  t.is(out.spec.selector, undefined);
  t.deepEqual(out.metadata.labels, { app: 'pi' });
  const workQueue = defaultJob(job({ parallelism: 3 }) as Job);
  t.is(workQueue.spec.completions, undefined);
  const withUid = defaultJob({ ...job(), metadata: { name: 'pi', namespace: 'default', uid: 'u-1' } } as Job);
  t.deepEqual(withUid.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  t.like(withUid.spec.template.metadata?.labels, {
    app: 'pi',
    'batch.kubernetes.io/controller-uid': 'u-1',
    'batch.kubernetes.io/job-name': 'pi',
  });
});

test('cronjob defaults: Allow, not suspended, history limits 3 and 1', (t) => {
  const out = defaultCronJob({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick' },
    spec: { schedule: '@hourly', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } },
  } as unknown as CronJob);
  t.like(out.spec, { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  t.is(out.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
});

test('namespace Active with its name label; secret Opaque with stringData folded into data; node allocatable', (t) => {
  const ns = defaultNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  t.deepEqual(ns.status, { phase: 'Active' });
  t.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  const secret = defaultSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { user: 'admin' } } as Secret);
  t.is(secret.type, 'Opaque');
  t.deepEqual(secret.data, { user: Buffer.from('admin').toString('base64') });
  t.is(secret.stringData, undefined);
  const node = defaultNode({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { capacity: { cpu: '4' } } });
  t.deepEqual(node.status?.allocatable, { cpu: '4' });
});

test('defaulting never mutates its input, drops nulls, and is idempotent for every kind', (t) => {
  const inputs: Record<string, unknown>[] = [
    pod({}, { labels: null }),
    service(),
    deployment(),
    job(),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, stringData: { a: 'b' } },
    {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'r', namespace: 'default' },
      spec: { template: template({ name: 'r' }) },
    },
  ];
  for (const input of inputs) {
    const before = structuredClone(input);
    const d = builtinResources.find((r) => r.kind === input.kind)!;
    const once = d.applyDefaults(input as never);
    t.deepEqual(input, before, `${input.kind} input untouched`);
    t.true(deepEqual(d.applyDefaults(once), once), `${input.kind} idempotent`);
  }
  t.false('labels' in defaultPod(pod({}, { labels: null }) as Pod).metadata);
});
