// Kubernetes protobuf bodies: what real kubectl sends decodes to the object its JSON would be,
// hand-built messages cover the field kinds kubectl's create does not reach, and writing an
// object then reading it back gives the same object.
import test from 'ava';
import { ApiError } from '../../../src/api/errors.js';
import { decodeProtobufObject, encodeProtobufObject, Unencodable } from '../../../src/server/protobuf/index.js';
import { Writer } from '../../../src/server/protobuf/wire.js';
import { kubectlBody } from './kubectl-bodies.js';

/** The 4-byte prefix and a runtime.Unknown around `raw`. */
function envelope(apiVersion: string, kind: string, raw: Writer, extra?: (w: Writer) => void): Buffer {
  const unknown = new Writer().message(1, new Writer().string(1, apiVersion).string(2, kind)).message(2, raw);
  extra?.(unknown);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown.finish()]);
}

function meta(name: string): Writer {
  return new Writer().string(1, name);
}

function apiError(t: import('ava').ExecutionContext, fn: () => unknown): ApiError {
  const err = t.throws(fn) as unknown;
  t.true(err instanceof ApiError, String(err));
  return err as ApiError;
}

test('kubectl create deployment decodes to the object kubectl would send as JSON', (t) => {
  t.deepEqual(decodeProtobufObject(kubectlBody('deployment')), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  });
});

test('kubectl create namespace, configmap and secret decode, empty values and bytes included', (t) => {
  t.deepEqual(decodeProtobufObject(kubectlBody('namespace')), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-a' },
    spec: {},
    status: {},
  });
  t.deepEqual(decodeProtobufObject(kubectlBody('configMap')), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg' },
    data: { a: '1', b: '' },
  });
  t.deepEqual(decodeProtobufObject(kubectlBody('binaryConfigMap')), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'bin' },
    binaryData: { 'bin.dat': Buffer.from([0, 1, 255]).toString('base64') },
  });
  t.deepEqual(decodeProtobufObject(kubectlBody('secret')), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'sec' },
    data: { pw: Buffer.from('hunter2').toString('base64') },
  });
});

test('kubectl create service, job, cronjob and job --from decode', (t) => {
  t.like(decodeProtobufObject(kubectlBody('service')), {
    kind: 'Service',
    spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'svc1' }, type: 'ClusterIP' },
    status: { loadBalancer: {} },
  });
  const job = decodeProtobufObject(kubectlBody('job')) as any;
  t.deepEqual(job.spec.template.spec, {
    containers: [{ name: 'j1', image: 'busybox', command: ['echo', 'hi'], resources: {} }],
    restartPolicy: 'Never',
  });
  const cron = decodeProtobufObject(kubectlBody('cronJob')) as any;
  t.is(cron.spec.schedule, '*/5 * * * *');
  t.is(cron.spec.jobTemplate.metadata.name, 'cj1');
  t.is(cron.spec.jobTemplate.spec.template.spec.restartPolicy, 'OnFailure');
  const fromCron = decodeProtobufObject(kubectlBody('jobFromCronJob')) as any;
  t.deepEqual(fromCron.metadata.annotations, { 'cronjob.kubernetes.io/instantiate': 'manual' });
  t.like(fromCron.metadata.ownerReferences[0], { apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj1', controller: true });
  // Copied from the CronJob's stored (defaulted) template: pointer fields keep their values.
  t.is(fromCron.spec.template.spec.terminationGracePeriodSeconds, 30);
});

test('kubectl create serviceaccount decodes to the object kubectl would send as JSON', (t) => {
  t.deepEqual(decodeProtobufObject(kubectlBody('serviceAccount')), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1' } });
  const full = new Writer()
    .message(1, meta('bot'))
    .message(2, new Writer().string(1, 'Secret').string(3, 'bot-token'))
    .message(3, new Writer().string(1, 'registry'))
    .varint(4, 0);
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' }, secrets: [{ kind: 'Secret', name: 'bot-token' }], imagePullSecrets: [{ name: 'registry' }], automountServiceAccountToken: false };
  t.deepEqual(decodeProtobufObject(envelope('v1', 'ServiceAccount', full)), sa, 'automountServiceAccountToken is a pointer: false is kept');
  t.deepEqual(decodeProtobufObject(encodeProtobufObject(sa)), sa);
});

test('a kind Corral does not read from protobuf is a 415 that names it', (t) => {
  const err = apiError(t, () => decodeProtobufObject(envelope('v1', 'ResourceQuota', new Writer().message(1, meta('q')))));
  t.is(err.status.code, 415);
  t.regex(err.message, /ResourceQuota \(v1\).*application\/json/);
});

test('zero values are "not set" unless the field is a pointer in Kubernetes', (t) => {
  const spec = new Writer()
    .varint(1, 0) // replicas: *int32, so 0 is kept
    .varint(5, 0) // minReadySeconds: omitempty
    .varint(7, 0) // paused: omitempty
    .message(4, new Writer().string(1, '').message(2, new Writer().message(2, new Writer().varint(1, 0).varint(2, 0))));
  const obj = decodeProtobufObject(envelope('apps/v1', 'Deployment', new Writer().message(1, meta('d')).message(2, spec))) as any;
  t.deepEqual(obj.spec, { replicas: 0, strategy: { rollingUpdate: { maxSurge: 0 } } });
});

test('inline structs, int-or-strings, quantities, times, negative and packed numbers', (t) => {
  const probe = new Writer()
    .message(1, new Writer().message(2, new Writer().string(1, '/healthz').message(2, new Writer().varint(1, 1).string(3, 'http'))))
    .varint(4, 5);
  const env = new Writer()
    .string(1, 'CFG')
    .message(3, new Writer().message(3, new Writer().message(1, new Writer().string(1, 'settings')).string(2, 'mode')));
  const resources = new Writer()
    .message(1, new Writer().string(1, 'cpu').message(2, new Writer().string(1, '500m')))
    .message(2, new Writer().string(1, 'memory').message(2, new Writer().string(1, '64Mi')));
  const container = new Writer().string(1, 'app').string(2, 'busybox').string(4, '').message(7, env).message(8, resources).message(11, probe);
  const volume = new Writer().string(1, 'cfg').message(2, new Writer().message(19, new Writer().message(1, new Writer().string(1, 'settings')).varint(3, 0o644)));
  const packedGroups = Uint8Array.of(5, 0xac, 0x02); // 5 and 300, one varint after another
  const podSecurity = new Writer().varint(2, 0).bytes(4, packedGroups).varint(4, 7);
  const podSpec = new Writer().message(1, volume).message(2, container).varint(4, -1).message(14, podSecurity);
  const created = new Writer().varint(1, 1_700_000_000).varint(2, 5);
  const status = new Writer().message(
    8,
    new Writer()
      .string(1, 'app')
      .varint(4, 0) // ready: false is kept (JSON always writes it)
      .varint(5, 0)
      .message(2, new Writer().message(3, new Writer().varint(1, -2).message(6, new Writer().varint(1, 1_700_000_100)))),
  );
  const pod = new Writer().message(1, new Writer().string(1, 'p').message(8, created)).message(2, podSpec).message(3, status);
  const obj = decodeProtobufObject(envelope('v1', 'Pod', pod)) as any;
  t.is(obj.metadata.creationTimestamp, '2023-11-14T22:13:20Z');
  t.deepEqual(obj.spec.volumes, [{ name: 'cfg', configMap: { name: 'settings', defaultMode: 0o644 } }]);
  t.deepEqual(obj.spec.containers[0], {
    name: 'app',
    image: 'busybox',
    args: [''],
    env: [{ name: 'CFG', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }],
    resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
  });
  t.is(obj.spec.terminationGracePeriodSeconds, -1);
  t.deepEqual(obj.spec.securityContext, { runAsUser: 0, supplementalGroups: [5, 300, 7] });
  t.deepEqual(obj.status.containerStatuses, [
    { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: -2, finishedAt: '2023-11-14T22:15:00Z' } } },
  ]);
});

test('MicroTime keeps microseconds; a map key "__proto__" is an ordinary key', (t) => {
  const lease = new Writer()
    .message(1, new Writer().string(1, 'l').message(11, new Writer().string(1, '__proto__').string(2, 'x')))
    .message(2, new Writer().string(1, 'me').message(4, new Writer().varint(1, 1_700_000_000).varint(2, 123_456_789)));
  const obj = decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', lease)) as any;
  t.is(obj.spec.renewTime, '2023-11-14T22:13:20.123456Z');
  t.deepEqual(Object.keys(obj.metadata.labels), ['__proto__']);
  t.is(Object.getPrototypeOf(obj.metadata.labels), Object.prototype);
});

test('a field Corral does not model: ignored when zero (Go writes it anyway), a 400 when set', (t) => {
  // PodSpec field 41 (hostnameOverride) and 11 of ServiceSpec (externalTrafficPolicy is known; 12 is not).
  const quiet = new Writer().message(1, meta('s')).message(2, new Writer().varint(12, 0).string(8, ''));
  t.deepEqual(decodeProtobufObject(envelope('v1', 'Service', quiet)), { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} });
  const loud = new Writer().message(1, meta('s')).message(2, new Writer().varint(12, 30001));
  const err = apiError(t, () => decodeProtobufObject(envelope('v1', 'Service', loud)));
  t.is(err.status.code, 400);
  t.regex(err.message, /field 12 of k8s\.io\.api\.core\.v1\.ServiceSpec at spec .*not support/);
  const deep = new Writer()
    .message(1, meta('d'))
    .message(2, new Writer().message(3, new Writer().message(2, new Writer().message(2, new Writer().string(1, 'c').message(23, new Writer().string(1, 'cpu'))))));
  t.regex(apiError(t, () => decodeProtobufObject(envelope('apps/v1', 'Deployment', deep))).message, /field 23 of k8s\.io\.api\.core\.v1\.Container at spec\.template\.spec\.containers\[0\]/);
});

test('malformed bodies are 400s that say what and where; compressed ones are 415s', (t) => {
  const noMagic = apiError(t, () => decodeProtobufObject(Buffer.from('{"kind":"Pod"}')));
  t.is(noMagic.status.code, 400);
  t.regex(noMagic.message, /k8s\\0/);
  const full = kubectlBody('deployment');
  for (const cut of [5, 20, 60, full.length - 3]) {
    const err = apiError(t, () => decodeProtobufObject(full.subarray(0, cut)));
    t.is(err.status.code, 400, `cut at ${cut}`);
    t.regex(err.message, /not a valid Kubernetes protobuf object: .* at byte \d+/);
  }
  const wrongWire = new Writer().message(1, meta('c')).varint(2, 1);
  t.regex(apiError(t, () => decodeProtobufObject(envelope('v1', 'ConfigMap', wrongWire))).message, /data \(field 2 of k8s\.io\.api\.core\.v1\.ConfigMap\) is varint, expected length-delimited/);
  const gzip = envelope('v1', 'ConfigMap', new Writer().message(1, meta('c')), (w) => w.string(3, 'gzip'));
  t.is(apiError(t, () => decodeProtobufObject(gzip)).status.code, 415);
  const noKind = Buffer.concat([Buffer.from('k8s\0', 'latin1'), new Writer().message(2, meta('x')).finish()]);
  t.regex(apiError(t, () => decodeProtobufObject(noKind)).message, /apiVersion and kind/);
  const invalidUtf8 = new Writer().message(1, new Writer().bytes(1, Uint8Array.of(0xc3, 0x28)));
  t.regex(apiError(t, () => decodeProtobufObject(envelope('v1', 'ConfigMap', invalidUtf8))).message, /UTF-8/);
});

test('random bytes after the prefix never crash the decoder: a value or an ApiError', (t) => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const base = kubectlBody('cronJob');
  let decoded = 0;
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(base);
    for (let j = 0; j < 3; j++) bytes[4 + Math.floor(random() * (bytes.length - 4))] = Math.floor(random() * 256);
    try {
      decodeProtobufObject(bytes);
      decoded++;
    } catch (err) {
      if (!(err instanceof ApiError)) t.fail(`bytes ${bytes.toString('hex')}: ${String(err)}`);
      else refused++;
    }
  }
  // Every input ended one of the two ways, and the mutations reached both.
  t.is(decoded + refused, 2000);
  t.true(decoded > 0 && refused > 0, `decoded ${decoded}, refused ${refused}`);
});

test('negative numbers are written as Go writes them: ten bytes of two’s complement', (t) => {
  t.is(Buffer.from(new Writer().varint(1, -1).finish()).toString('hex'), '08ffffffffffffffffff01');
  t.is(Buffer.from(new Writer().varint(1, 300).finish()).toString('hex'), '08ac02');
});

const richDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: '5f0c',
    resourceVersion: '12',
    generation: 3,
    creationTimestamp: '2024-05-01T10:00:00Z',
    labels: { app: 'web', tier: '' },
    annotations: { 'deployment.kubernetes.io/revision': '2' },
    finalizers: ['example.com/keep'],
  },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
    template: {
      metadata: { labels: { app: 'web', tier: '' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.27',
            command: ['nginx', '-g', ''],
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'A', value: 'b' }, { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
            resources: { limits: { cpu: '1', memory: '128Mi' }, requests: { cpu: '250m' } },
            livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 3, failureThreshold: 4 },
            lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
            volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
            securityContext: { privileged: false, capabilities: { drop: ['ALL'] } },
            imagePullPolicy: 'IfNotPresent',
          },
        ],
        volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }, { name: 'sec', secret: { secretName: 's', optional: true } }],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        nodeSelector: { disk: 'ssd' },
        tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule', tolerationSeconds: 60 }],
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] } },
            ],
          },
        },
      },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
  status: {
    observedGeneration: 3,
    replicas: 2,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastUpdateTime: '2024-05-01T10:00:05Z', lastTransitionTime: '2024-05-01T10:00:05Z' },
    ],
  },
};

test('an object written as protobuf reads back as the same object', (t) => {
  t.deepEqual(decodeProtobufObject(encodeProtobufObject(richDeployment)), richDeployment);
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    spec: { taints: [{ key: 'k', effect: 'NoSchedule', timeAdded: '2024-01-01T00:00:00Z' }], podCIDR: '10.1.0.0/24' },
    status: {
      capacity: { cpu: '4', pods: '110' },
      addresses: [{ type: 'InternalIP', address: '10.0.0.5' }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-01T00:00:10Z' }],
    },
  };
  t.deepEqual(decodeProtobufObject(encodeProtobufObject(node)), node);
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Started',
    eventTime: '2024-01-01T00:00:00.250000Z',
    count: 2,
  };
  t.deepEqual(decodeProtobufObject(encodeProtobufObject(event)), event);
});

test('lists and Status objects are written too; a field the tables lack is Unencodable', (t) => {
  const list = { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '40', continue: 'abc' }, items: [richDeployment] };
  // A list's items carry no type meta of their own: the list's envelope names the kind.
  const { apiVersion: _v, kind: _k, ...item } = richDeployment;
  t.deepEqual(decodeProtobufObject(encodeProtobufObject(list)), { ...list, items: [item] });
  const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'nope', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404 };
  t.deepEqual(decodeProtobufObject(encodeProtobufObject(status)), { ...status, metadata: {} });
  const err = t.throws(() => encodeProtobufObject({ ...richDeployment, spec: { ...richDeployment.spec, surprise: 1 } }));
  t.true(err instanceof Unencodable);
  t.regex(err!.message, /spec\.surprise has no field in k8s\.io\.api\.apps\.v1\.DeploymentSpec/);
  t.throws(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: {} }), { instanceOf: Unencodable });
});
