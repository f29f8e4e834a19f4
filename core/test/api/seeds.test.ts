import test from 'ava';
import {
  builtinResources,
  parseManifests,
  validateObject,
  type Endpoints,
  type ReplicationController,
  type Service,
} from '../../src/api/index.js';
import { causesOf, fixture, summary } from './helpers.js';

const FILES = [
  'redis-master-controller.yaml',
  'redis-master-service.yaml',
  'guestbook.yaml',
  'nginx-deployment.yaml',
  'mysql-external.yaml',
];

test('every seed manifest is accepted', (t) => {
  const kinds: string[] = [];
  for (const file of FILES) {
    for (const manifest of parseManifests(fixture(file), file)) {
      const object = validateObject(builtinResources, manifest.object);
      kinds.push(`${object.kind}/${object.metadata.name}`);
    }
  }
  t.deepEqual(kinds, [
    'ReplicationController/redis-master',
    'Service/redis-master',
    'ReplicationController/redis-slave',
    'Service/redis-slave',
    'ReplicationController/frontend',
    'Service/frontend',
    'Deployment/nginx-deployment',
    'Service/mysql',
    'Endpoints/mysql',
  ]);
});

test('redis-master: the RC is defaulted and the Service gets targetPort and TCP', (t) => {
  const [rcManifest] = parseManifests(fixture('redis-master-controller.yaml'), 'rc');
  const rc = validateObject<ReplicationController>(builtinResources, rcManifest!.object);
  t.is(rc.metadata.namespace, 'default');
  t.deepEqual(rc.spec.selector, { name: 'redis-master' });
  t.is(rc.spec.template?.spec.restartPolicy, 'Always');
  t.is(rc.spec.template?.spec.containers[0]?.imagePullPolicy, 'Always');
  t.is(rc.spec.template?.spec.containers[0]?.ports?.[0]?.protocol, 'TCP');
  const [svcManifest] = parseManifests(fixture('redis-master-service.yaml'), 'svc');
  const svc = validateObject<Service>(builtinResources, svcManifest!.object);
  t.deepEqual(svc.spec.ports, [{ port: 6379, targetPort: 6379, protocol: 'TCP' }]);
  t.is(svc.spec.type, 'ClusterIP');
});

test('the frontend NodePort Service keeps nodePort 30001', (t) => {
  const frontend = parseManifests(fixture('guestbook.yaml'), 'guestbook.yaml')[3]!;
  const svc = validateObject<Service>(builtinResources, frontend.object);
  t.is(svc.spec.type, 'NodePort');
  t.deepEqual(svc.spec.ports, [{ port: 80, nodePort: 30001, targetPort: 80, protocol: 'TCP' }]);
  t.is(svc.spec.externalTrafficPolicy, 'Cluster');
});

test('the external MySQL Endpoints keep the hand-written address', (t) => {
  const [, ep] = parseManifests(fixture('mysql-external.yaml'), 'mysql');
  const endpoints = validateObject<Endpoints>(builtinResources, ep!.object);
  t.deepEqual(endpoints.subsets, [{ addresses: [{ ip: '192.168.31.22' }], ports: [{ port: 3306, protocol: 'TCP' }] }]);
});

test("the seed's typos are caught: aipVersion, a lower-case protocol, the old Deployment group", (t) => {
  const rc = parseManifests(fixture('redis-master-controller.yaml'), 'rc')[0]!.object as Record<string, unknown>;
  const { apiVersion, ...rest } = rc;
  t.is(apiVersion, 'v1');
  t.deepEqual(summary(causesOf(t, { ...rest, aipVersion: 'v1', apiVersion: 'v1' })), ['aipVersion FieldValueUnknown']);

  const ep = parseManifests(fixture('mysql-external.yaml'), 'mysql')[1]!.object as Record<string, any>;
  ep.subsets[0].ports[0].protocol = 'tcp';
  const causes = causesOf(t, ep);
  t.deepEqual(summary(causes), ['subsets[0].ports[0].protocol FieldValueNotSupported']);
  t.is(causes[0]?.message, 'Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"');

  const deploy = parseManifests(fixture('nginx-deployment.yaml'), 'nginx')[0]!.object;
  t.throws(() => validateObject(builtinResources, { ...deploy, apiVersion: 'extensions/v1beta1' }), {
    message: /no kind "Deployment" is registered for version "extensions\/v1beta1"/,
  });
});
