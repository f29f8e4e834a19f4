// Pods' DNS settings: kubelet's rules for spec.dnsPolicy and spec.dnsConfig, and where the agent
// finds the cluster DNS (its option, else the kube-dns Service).
import test from 'ava';
import type { Pod } from '../../src/api/index.js';
import { parseResolvConf, podDns } from '../../src/agent/pods/dns.js';
import { createPod, pod, podUntil, startAgentEnv, waitFor } from './helpers.js';

const CLUSTER = { servers: ['10.96.0.10'], domain: 'cluster.local' };
const NODE = parseResolvConf('# the node\nnameserver 192.0.2.53\nnameserver 192.0.2.54 ; second\nsearch corp.example lab.example\noptions edns0 timeout:2\n');

function spec(extra: Partial<Pod['spec']>, namespace = 'shop'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { containers: [], ...extra } as Pod['spec'] };
}

test('resolv.conf is read as the resolver reads it', (t) => {
  t.deepEqual(NODE, { servers: ['192.0.2.53', '192.0.2.54'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'timeout:2'] });
  t.deepEqual(parseResolvConf('search a.example\ndomain b.example\n').searches, ['b.example'], 'the last search/domain line wins');
});

test('ClusterFirst (the default): the cluster DNS, the namespace search path, ndots:5', (t) => {
  t.deepEqual(podDns(spec({}), CLUSTER, NODE), {
    settings: { servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'] },
  });
  t.deepEqual(podDns(spec({ dnsPolicy: 'ClusterFirst' }, 'web'), { servers: ['10.0.0.10'], domain: 'corral.test' }, undefined).settings?.searches, [
    'web.svc.corral.test',
    'svc.corral.test',
    'corral.test',
  ]);
});

test('hostNetwork pods get the node\'s DNS unless ClusterFirstWithHostNet', (t) => {
  t.deepEqual(podDns(spec({ hostNetwork: true }), CLUSTER, NODE), { settings: NODE });
  t.deepEqual(podDns(spec({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), CLUSTER, NODE).settings?.servers, ['10.96.0.10']);
  t.deepEqual(podDns(spec({ dnsPolicy: 'ClusterFirstWithHostNet' }), CLUSTER, NODE).settings?.servers, ['10.96.0.10']);
});

test('Default is the node\'s; None is only spec.dnsConfig', (t) => {
  t.deepEqual(podDns(spec({ dnsPolicy: 'Default' }), CLUSTER, NODE), { settings: NODE });
  t.deepEqual(podDns(spec({ dnsPolicy: 'Default' }), CLUSTER, undefined), {}, 'no node file: the runtime default');
  const none = spec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['x.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } } as Partial<Pod['spec']>);
  t.deepEqual(podDns(none, CLUSTER, NODE), { settings: { servers: ['1.2.3.4'], searches: ['x.example'], options: ['ndots:2', 'edns0'] } });
});

test('spec.dnsConfig is merged in: servers and searches appended once, options replaced by name, limits kept', (t) => {
  const p = spec({
    dnsConfig: {
      nameservers: ['10.96.0.10', '9.9.9.9', '8.8.8.8', '7.7.7.7'],
      searches: ['svc.cluster.local', 'extra.example'],
      options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }],
    },
  } as Partial<Pod['spec']>);
  t.deepEqual(podDns(p, CLUSTER, undefined).settings, {
    servers: ['10.96.0.10', '9.9.9.9', '8.8.8.8'],
    searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'extra.example'],
    options: ['ndots:1', 'single-request'],
  });
});

test('ClusterFirst without a known cluster DNS falls back to the node\'s, with a warning', (t) => {
  const dns = podDns(spec({}), { servers: [], domain: 'cluster.local' }, NODE);
  t.deepEqual(dns.settings, NODE);
  t.regex(dns.warning ?? '', /knows no cluster DNS .* pod shop\/p uses the node's DNS/);
});

test('the agent takes the cluster DNS from the kube-dns Service, or from its option', async (t) => {
  const env = await startAgentEnv(t, { resolvConf: '/nonexistent/resolv.conf' });
  await createPod(env.client, pod('early', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'early', 'Running', (p) => p.status?.phase === 'Running');
  const early = [...env.runtime.sandboxes.values()].find((s) => s.config.name === 'early')!;
  t.is(early.config.dns, undefined, 'no cluster DNS and no node file: the runtime default');
  await waitFor('the MissingClusterDNS event', async () => {
    const events = await env.client.list<import('../../src/api/index.js').Event>('events', { namespace: 'default' });
    return events.items.some((e) => e.reason === 'MissingClusterDNS');
  });

  await env.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }).catch(() => undefined);
  const svc = await env.client.create<import('../../src/api/index.js').Service>(
    'services',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' }, spec: { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] } },
    { namespace: 'kube-system' },
  );
  // The agent's Service informer sees it shortly.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await createPod(env.client, pod('late', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'late', 'Running', (p) => p.status?.phase === 'Running');
  const late = [...env.runtime.sandboxes.values()].find((s) => s.config.name === 'late')!;
  t.deepEqual(late.config.dns, { servers: [svc.spec!.clusterIP!], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] });

  await env.restartAgent({ clusterDNS: ['10.0.0.53'], clusterDomain: 'corral.test' });
  await createPod(env.client, pod('flagged', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'flagged', 'Running', (p) => p.status?.phase === 'Running');
  const flagged = [...env.runtime.sandboxes.values()].find((s) => s.config.name === 'flagged')!;
  t.deepEqual(flagged.config.dns?.servers, ['10.0.0.53']);
  t.deepEqual(flagged.config.dns?.searches.slice(0, 3), ['default.svc.corral.test', 'svc.corral.test', 'corral.test']);
});
