import test from 'ava';
import type { Pod } from '../../src/api/index.js';
import { accepted, causesOf, pod } from './helpers.js';

const app = [{ name: 'app', image: 'busybox' }];

test('spec.dnsConfig is kept: nameservers, searches and options with or without a value', (t) => {
  const dnsConfig = { nameservers: ['10.0.0.53', 'fd00::53'], searches: ['corp.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
  const p = accepted<Pod>(pod({ containers: app, dnsPolicy: 'None', dnsConfig }));
  t.deepEqual(p.spec.dnsConfig, dnsConfig);
});

test('dnsPolicy None needs dnsConfig with a nameserver', (t) => {
  const field = (spec: object) => causesOf(t, pod({ containers: app, dnsPolicy: 'None', ...spec })).map((c) => `${c.field}: ${c.message}`);
  t.deepEqual(field({}), ['spec.dnsConfig: Required value']);
  t.deepEqual(field({ dnsConfig: { searches: ['a.example'] } }), ['spec.dnsConfig.nameservers: Required value']);
  t.deepEqual(field({ dnsConfig: { nameservers: [] } }), ['spec.dnsConfig.nameservers: Required value']);
  // Any other policy merges dnsConfig in, so an empty one is fine.
  t.truthy(accepted(pod({ containers: app, dnsPolicy: 'ClusterFirst', dnsConfig: {} })));
});

test('dnsConfig: at most 3 nameservers, each an IP; options need a name', (t) => {
  const causes = causesOf(
    t,
    pod({ containers: app, dnsConfig: { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'], options: [{ value: '1' }] } }),
  ).map((c) => c.field);
  t.deepEqual(causes.sort(), ['spec.dnsConfig.nameservers', 'spec.dnsConfig.options[0].name']);
  t.deepEqual(
    causesOf(t, pod({ containers: app, dnsConfig: { nameservers: ['dns.example'] } })).map((c) => `${c.field}: ${c.message}`),
    ['spec.dnsConfig.nameservers[0]: Invalid value: "dns.example": must be an IP address, e.g. 10.96.0.10'],
  );
});
