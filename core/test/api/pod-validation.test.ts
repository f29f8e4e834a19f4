import test from 'ava';
import { type Pod } from '../../src/api/index.js';
import { accepted, causesOf, pod, summary } from './helpers.js';

test('an object with five distinct problems is rejected with five causes, each with its path', (t) => {
  const causes = causesOf(t, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'Web', namespace: 'default' },
    spec: {
      containers: [
        { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }, { containerPort: 'http' }] },
        { name: 'web', image: 'nginx' },
      ],
      restartPolicy: 'Sometimes',
      priorityClass: 'high',
    },
  });
  t.deepEqual(summary(causes), [
    'spec.containers[0].ports[1].containerPort FieldValueTypeInvalid',
    'spec.restartPolicy FieldValueNotSupported',
    'spec.priorityClass FieldValueUnknown',
    'metadata.name FieldValueInvalid',
    'spec.containers[1].name FieldValueDuplicate',
  ]);
});

test('the Invalid message lists every cause in Kubernetes form', (t) => {
  const causes = causesOf(t, pod({ containers: [{ name: '', image: 'x' }, { name: 'b' }] }));
  t.deepEqual(
    causes.map((c) => `${c.field}: ${c.message}`),
    ['spec.containers[0].name: Required value', 'spec.containers[1].image: Required value'],
  );
});

test('wrong types are errors, not coerced', (t) => {
  const causes = causesOf(
    t,
    pod({
      containers: [{ name: 'web', image: 'nginx', command: 'nginx -g', tty: 'yes', ports: [{ containerPort: 80.5 }] }],
      terminationGracePeriodSeconds: '30',
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.containers[0].command FieldValueTypeInvalid',
    'spec.containers[0].ports[0].containerPort FieldValueTypeInvalid',
    'spec.containers[0].tty FieldValueTypeInvalid',
    'spec.terminationGracePeriodSeconds FieldValueTypeInvalid',
  ]);
  t.is(causes[0]?.message, 'Invalid value: "nginx -g": must be of type array');
  t.is(causes[3]?.message, 'Invalid value: "30": must be of type integer');
});

test('an empty container list and a missing image are required values', (t) => {
  t.deepEqual(summary(causesOf(t, pod({ containers: [] }))), ['spec.containers FieldValueRequired']);
  t.deepEqual(summary(causesOf(t, pod({ containers: [{ name: 'a' }] }))), ['spec.containers[0].image FieldValueRequired']);
});

test('container names are DNS labels and unique across init and app containers', (t) => {
  const causes = causesOf(
    t,
    pod({
      initContainers: [{ name: 'setup', image: 'busybox' }],
      containers: [
        { name: 'setup', image: 'nginx' },
        { name: 'Web_1', image: 'nginx' },
      ],
    }),
  );
  t.deepEqual(summary(causes), ['spec.containers[0].name FieldValueDuplicate', 'spec.containers[1].name FieldValueInvalid']);
});

test('port names are IANA service names, unique per container; host ports unique per pod', (t) => {
  const causes = causesOf(
    t,
    pod({
      containers: [
        {
          name: 'a',
          image: 'x',
          ports: [
            { name: 'http', containerPort: 80, hostPort: 8080 },
            { name: 'http', containerPort: 81 },
            { name: 'Bad--Name', containerPort: 82 },
            { containerPort: 0 },
          ],
        },
        { name: 'b', image: 'x', ports: [{ name: 'http', containerPort: 90, hostPort: 8080 }] },
      ],
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.containers[0].ports[3].containerPort FieldValueInvalid',
    'spec.containers[0].ports[1].name FieldValueDuplicate',
    'spec.containers[0].ports[2].name FieldValueInvalid',
    'spec.containers[0].ports[2].name FieldValueInvalid',
    'spec.containers[1].ports[0].hostPort FieldValueDuplicate',
  ]);
  t.is(causes[0]?.message, 'Invalid value: 0: must be between 1 and 65535, inclusive');
});

test('volume names are unique and every mount names a volume', (t) => {
  const causes = causesOf(
    t,
    pod({
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'data', hostPath: { path: '/srv' } },
        { name: 'two', emptyDir: {}, hostPath: { path: '/x' } },
      ],
      containers: [
        {
          name: 'a',
          image: 'x',
          volumeMounts: [
            { name: 'data', mountPath: '/data' },
            { name: 'logs', mountPath: '/logs' },
            { name: 'two', mountPath: '/data' },
          ],
        },
      ],
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.volumes[1].name FieldValueDuplicate',
    'spec.volumes[2].hostPath FieldValueForbidden',
    'spec.containers[0].volumeMounts[1].name FieldValueNotFound',
    'spec.containers[0].volumeMounts[2].mountPath FieldValueInvalid',
  ]);
  t.is(causes[2]?.message, 'Not found: "logs"');
});

test('quantities use the real parser and requests may not exceed limits', (t) => {
  const causes = causesOf(
    t,
    pod({
      containers: [
        {
          name: 'a',
          image: 'x',
          resources: { requests: { cpu: '2', memory: '64MB', 'ephemeral-storage': '-1Gi' }, limits: { cpu: '500m' } },
        },
      ],
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.containers[0].resources.requests[memory] FieldValueInvalid',
    'spec.containers[0].resources.requests[ephemeral-storage] FieldValueInvalid',
    'spec.containers[0].resources.requests[cpu] FieldValueInvalid',
  ]);
  t.regex(causes[0]?.message ?? '', /^Invalid value: "64MB": "64MB" is not a quantity/);
  t.is(causes[1]?.message, 'Invalid value: "-1Gi": must be greater than or equal to 0');
  t.is(causes[2]?.message, 'Invalid value: "2": must be less than or equal to cpu limit of 500m');
  t.notThrows(() => accepted(pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 0.5, memory: '128Mi' } } }] })));
});

test('probes need exactly one handler; liveness successThreshold must be 1; named ports are checked', (t) => {
  const causes = causesOf(
    t,
    pod({
      containers: [
        {
          name: 'a',
          image: 'x',
          livenessProbe: { periodSeconds: 5, successThreshold: 2 },
          readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 'Bad_Port' } },
          lifecycle: { preStop: { httpGet: { port: 70000 } } },
        },
      ],
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.containers[0].livenessProbe FieldValueRequired',
    'spec.containers[0].livenessProbe.successThreshold FieldValueInvalid',
    'spec.containers[0].readinessProbe.tcpSocket FieldValueForbidden',
    'spec.containers[0].readinessProbe.tcpSocket.port FieldValueInvalid',
    'spec.containers[0].lifecycle.preStop.httpGet.port FieldValueInvalid',
  ]);
});

test('env: names without =, value xor valueFrom, one source per valueFrom', (t) => {
  const causes = causesOf(
    t,
    pod({
      containers: [
        {
          name: 'a',
          image: 'x',
          env: [
            { name: 'A=B', value: '1' },
            { name: 'C', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'D', valueFrom: {} },
          ],
        },
      ],
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.containers[0].env[0].name FieldValueInvalid',
    'spec.containers[0].env[1].valueFrom FieldValueInvalid',
    'spec.containers[0].env[2].valueFrom FieldValueInvalid',
  ]);
});

test('labels and annotations: keys and values are checked with the map key in the path', (t) => {
  const causes = causesOf(
    t,
    pod({}, { labels: { 'bad key': 'x', app: 'has space', tier: 5 }, annotations: { 'a/b/c': 'x' } }),
  );
  t.deepEqual(summary(causes), [
    'metadata.labels[tier] FieldValueTypeInvalid',
    'metadata.labels FieldValueInvalid',
    'metadata.labels[app] FieldValueInvalid',
    'metadata.annotations FieldValueInvalid',
  ]);
  t.regex(causes[1]?.message ?? '', /^Invalid value: "bad key": name part must consist of/);
});

test('tolerations, node selector and node affinity follow their operator rules', (t) => {
  const causes = causesOf(
    t,
    pod({
      nodeSelector: { 'disk type': 'ssd' },
      tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Exists', value: 'v' }, { key: 'k', tolerationSeconds: 5 }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'zone', operator: 'In' },
                  { key: 'cores', operator: 'Gt', values: ['many'] },
                ],
                matchFields: [{ key: 'spec.nodeName', operator: 'In', values: ['n'] }],
              },
            ],
          },
        },
      },
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.nodeSelector FieldValueInvalid',
    'spec.tolerations[0].operator FieldValueInvalid',
    'spec.tolerations[1].value FieldValueInvalid',
    'spec.tolerations[2].effect FieldValueInvalid',
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values FieldValueRequired',
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values FieldValueInvalid',
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key FieldValueInvalid',
  ]);
});

test('a full pod with probes, volumes, env and affinity is accepted as is', (t) => {
  const out = accepted<Pod>(
    pod({
      volumes: [{ name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'a', path: 'a.conf' }] } }],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          ports: [{ name: 'http', containerPort: 80 }],
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          readinessProbe: { httpGet: { port: 'http', path: '/healthz' } },
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/app', readOnly: true }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        },
      ],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    }),
  );
  t.is(out.spec.containers[0]?.env?.[0]?.valueFrom?.fieldRef?.apiVersion, 'v1');
  t.is(out.status?.qosClass, 'Burstable');
});

test('only init containers may set restartPolicy (sidecars); readiness gates are accepted', (t) => {
  t.notThrows(() =>
    accepted(
      pod({
        initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }],
        readinessGates: [{ conditionType: 'example.com/ready' }],
      }),
    ),
  );
  t.deepEqual(summary(causesOf(t, pod({ containers: [{ name: 'web', image: 'x', restartPolicy: 'Always' }] }))), [
    'spec.containers[0].restartPolicy FieldValueForbidden',
  ]);
  t.deepEqual(summary(causesOf(t, pod({ initContainers: [{ name: 'i', image: 'x', restartPolicy: 'OnFailure' }] }))), [
    'spec.initContainers[0].restartPolicy FieldValueNotSupported',
  ]);
});
