import test from 'ava';
import type { Endpoints, Service } from '@corral/core';
import { answer, DnsServer, parseResponse, RCODE, TYPE, writeQuery, type ClusterView } from '../src/index.js';

const D = 'cluster.local';
const svc = (name: string, spec: Partial<Service['spec']>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec } });
const services = new Map<string, Service>([
  ['shop/web', svc('web', { clusterIP: '10.96.0.20' })],
  ['shop/db', svc('db', { clusterIP: 'None', ports: [{ name: 'sql', port: 3306, protocol: 'TCP' }] })],
  ['shop/ext', svc('ext', { type: 'ExternalName', externalName: 'db.example.com' })],
]);
const endpoints = new Map<string, Endpoints>([
  [
    'shop/db',
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'db', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.244.0.5', hostname: 'db-0' }, { ip: '10.244.1.6' }], notReadyAddresses: [{ ip: '10.244.2.7' }], ports: [{ name: 'sql', port: 3306 }] }],
    },
  ],
]);
const view: ClusterView = { service: (ns, n) => services.get(`${ns}/${n}`), endpoints: (ns, n) => endpoints.get(`${ns}/${n}`) };
const q = (name: string, type: number = TYPE.A) => answer({ name, type, class: 1 }, view, D);

test('a ClusterIP Service resolves to its ClusterIP; its named port as SRV', (t) => {
  const a = q('web.shop.svc.cluster.local');
  t.not(a, 'forward');
  if (a === 'forward') return;
  t.deepEqual(a.answers.map((r) => r.data), [{ type: TYPE.A, address: '10.96.0.20' }]);
  const srv = q('_http._tcp.web.shop.svc.cluster.local', TYPE.SRV);
  if (srv === 'forward') return t.fail();
  t.deepEqual(srv.answers[0]!.data, { type: TYPE.SRV, priority: 0, weight: 100, port: 80, target: 'web.shop.svc.cluster.local' });
});

test('a headless Service resolves to its ready endpoints, each also by hostname; SRV per endpoint', (t) => {
  const a = q('db.shop.svc.cluster.local');
  if (a === 'forward') return t.fail();
  t.deepEqual(a.answers.map((r) => (r.data as { address: string }).address).sort(), ['10.244.0.5', '10.244.1.6']);
  const host = q('db-0.db.shop.svc.cluster.local');
  if (host === 'forward') return t.fail();
  t.deepEqual(host.answers.map((r) => (r.data as { address: string }).address), ['10.244.0.5']);
  const dashed = q('10-244-1-6.db.shop.svc.cluster.local');
  if (dashed === 'forward') return t.fail();
  t.is(dashed.answers.length, 1);
  const srv = q('_sql._tcp.db.shop.svc.cluster.local', TYPE.SRV);
  if (srv === 'forward') return t.fail();
  t.deepEqual(srv.answers.map((r) => (r.data as { target: string }).target).sort(), ['10-244-1-6.db.shop.svc.cluster.local', 'db-0.db.shop.svc.cluster.local']);
});

test('ExternalName is a CNAME; pods by dashed IP; unknown names NXDOMAIN; other domains are forwarded', (t) => {
  const ext = q('ext.shop.svc.cluster.local');
  if (ext === 'forward') return t.fail();
  t.deepEqual(ext.answers[0]!.data, { type: TYPE.CNAME, target: 'db.example.com' });
  const pod = q('10-244-3-4.shop.pod.cluster.local');
  if (pod === 'forward') return t.fail();
  t.deepEqual(pod.answers[0]!.data, { type: TYPE.A, address: '10.244.3.4' });
  const missing = q('nope.shop.svc.cluster.local');
  if (missing === 'forward') return t.fail();
  t.is(missing.rcode, RCODE.NXDOMAIN);
  t.is(missing.authority?.[0]?.data.type, TYPE.SOA);
  const aaaa = q('web.shop.svc.cluster.local', TYPE.AAAA);
  if (aaaa === 'forward') return t.fail();
  t.is(aaaa.rcode, RCODE.NOERROR);
  t.is(aaaa.answers.length, 0, 'NODATA: the name exists, with no IPv6 address');
  t.is(q('example.org'), 'forward');
});

test('the wire: a query round-trips; garbage gets FORMERR or nothing; no upstream means REFUSED', async (t) => {
  const server = new DnsServer(view, { host: '127.0.0.1', port: 0, domain: D, upstreams: [] });
  const reply = parseResponse((await server.respond(writeQuery(7, 'web.shop.svc.cluster.local', TYPE.A)))!);
  t.is(reply.id, 7);
  t.deepEqual(reply.answers, [{ name: 'web.shop.svc.cluster.local', type: TYPE.A, data: '10.96.0.20' }]);
  t.is(await server.respond(Buffer.from([1, 2, 3])), undefined);
  const bad = Buffer.alloc(14);
  bad.writeUInt16BE(9, 0);
  bad.writeUInt16BE(1, 4);
  bad[12] = 200;
  t.is(parseResponse((await server.respond(bad))!).rcode, RCODE.FORMERR);
  t.is(parseResponse((await server.respond(writeQuery(8, 'example.org', TYPE.A)))!).rcode, RCODE.REFUSED);
});
