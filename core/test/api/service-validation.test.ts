import test from 'ava';
import {
  createBuiltinResources,
  findResource,
  prepareForCreate,
  type Service,
} from '../../src/api/index.js';
import { accepted, causesOf, service, summary } from './helpers.js';

test('ports are required unless the service is headless or an ExternalName', (t) => {
  t.deepEqual(summary(causesOf(t, service({ ports: [] }))), ['spec.ports FieldValueRequired']);
  t.notThrows(() => accepted(service({ ports: [], clusterIP: 'None' })));
  t.notThrows(() => accepted(service({ ports: undefined, type: 'ExternalName', externalName: 'db.example.com' })));
});

test('several ports must each be named, with unique names and unique (port, protocol)', (t) => {
  const causes = causesOf(
    t,
    service({
      ports: [
        { name: 'http', port: 80 },
        { port: 443 },
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'dns', port: 80, protocol: 'UDP' },
      ],
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.ports[1].name FieldValueRequired',
    'spec.ports[2].name FieldValueDuplicate',
    'spec.ports[2] FieldValueDuplicate',
  ]);
  t.is(causes[2]?.message, 'Duplicate value: {"port":80,"protocol":"TCP"}');
});

test('nodePort: only for NodePort and LoadBalancer, inside the range, unique', (t) => {
  const causes = causesOf(
    t,
    service({
      type: 'NodePort',
      ports: [
        { name: 'a', port: 80, nodePort: 30001 },
        { name: 'b', port: 81, nodePort: 30001 },
        { name: 'c', port: 82, nodePort: 8080 },
      ],
    }),
  );
  t.deepEqual(summary(causes), ['spec.ports[1].nodePort FieldValueDuplicate', 'spec.ports[2].nodePort FieldValueInvalid']);
  t.is(causes[1]?.message, 'Invalid value: 8080: must be in the node port range 30000-32767');
  const clusterIP = causesOf(t, service({ ports: [{ port: 80, nodePort: 30080 }] }));
  t.deepEqual(summary(clusterIP), ['spec.ports[0].nodePort FieldValueForbidden']);
  t.is(clusterIP[0]?.message, "Forbidden: may not be used when `type` is 'ClusterIP'");
});

test('the node port range is a parameter of the built-in definitions', (t) => {
  const defs = createBuiltinResources({ nodePortRange: { min: 8000, max: 9000 } });
  const def = findResource(defs, { kind: 'Service' })!;
  t.notThrows(() => prepareForCreate<Service>(def, service({ type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })));
  t.throws(() => prepareForCreate(def, service({ type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] })), {
    message: /must be in the node port range 8000-9000/,
  });
});

test("clusterIP 'None' only for headless ClusterIP services; otherwise an IP", (t) => {
  const causes = causesOf(t, service({ type: 'NodePort', clusterIP: 'None' }));
  t.deepEqual(summary(causes), ['spec.clusterIP FieldValueInvalid']);
  t.regex(causes[0]?.message ?? '', /may be 'None' \(headless\) only for ClusterIP services, not NodePort/);
  t.deepEqual(summary(causesOf(t, service({ clusterIP: '10.0.0.300' }))), ['spec.clusterIP FieldValueInvalid']);
  const svc = accepted<Service>(service({ clusterIP: '10.96.0.10' }));
  t.deepEqual(svc.spec.clusterIPs, ['10.96.0.10']);
});

test('ExternalName services need a DNS name and no cluster IP; names are DNS-1035 labels', (t) => {
  const causes = causesOf(t, {
    ...service({ type: 'ExternalName', clusterIP: '10.0.0.1', ports: undefined }),
    metadata: { name: '1db', namespace: 'default' },
  });
  t.deepEqual(summary(causes), [
    'metadata.name FieldValueInvalid',
    'spec.clusterIP FieldValueForbidden',
    'spec.externalName FieldValueRequired',
  ]);
});

test('target ports are numbers in range or IANA names; selector labels are checked', (t) => {
  const causes = causesOf(
    t,
    service({ ports: [{ name: 'a', port: 80, targetPort: 70000 }, { name: 'b', port: 81, targetPort: 'http_2' }], selector: { app: 'a b' } }),
  );
  t.deepEqual(summary(causes), [
    'spec.ports[0].targetPort FieldValueInvalid',
    'spec.ports[1].targetPort FieldValueInvalid',
    'spec.selector[app] FieldValueInvalid',
  ]);
});

test('sessionAffinityConfig only with ClientIP', (t) => {
  const causes = causesOf(t, service({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }));
  t.deepEqual(summary(causes), ['spec.sessionAffinityConfig FieldValueForbidden']);
});

test('endpoints: IPs, named ports when several, and at least one address', (t) => {
  const endpoints = (subsets: unknown) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'db', namespace: 'default' },
    subsets,
  });
  const causes = causesOf(
    t,
    endpoints([
      { addresses: [{ ip: '192.168.1.300' }], ports: [{ port: 3306 }, { port: 3307 }] },
      { ports: [{ port: 1 }] },
    ]),
  );
  t.deepEqual(summary(causes), [
    'subsets[0].addresses[0].ip FieldValueInvalid',
    'subsets[0].ports[0].name FieldValueRequired',
    'subsets[0].ports[1].name FieldValueRequired',
    'subsets[1] FieldValueRequired',
  ]);
});
