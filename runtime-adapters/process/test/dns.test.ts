// A pod's DNS in the process runtime: its resolv.conf written from the sandbox's DNS settings and
// bind-mounted over /etc/resolv.conf in each container's mount namespace; and, through the agent,
// a pod resolving a Service's short name with the cluster search path, against a DNS server of
// the test's own on a loopback address.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Agent } from '@corral/core/agent';
import type { Pod, Service } from '@corral/core/api';
import { ApiClient } from '@corral/core/client';
import { startTestApiServer, waitFor } from '@corral/core/testing';
import { ProcessRuntime } from '../src/index.js';
import { resolvConfText, withResolvConf } from '../src/dns.js';
import { readAll, runToExit, sandboxConfig, shellContainer } from './helpers.js';
import { startTestDnsServer } from './dnsServer.js';

const POD_DNS = { servers: ['10.96.0.10'], searches: ['dns-test.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] };

test('resolv.conf text and the mount that puts it in place', (t) => {
  t.is(resolvConfText(POD_DNS), 'nameserver 10.96.0.10\nsearch dns-test.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  t.is(resolvConfText({ servers: ['10.0.0.1', '10.0.0.2'], searches: [], options: [] }), 'nameserver 10.0.0.1\nnameserver 10.0.0.2\n');
  t.deepEqual(withResolvConf([], '/pods/x/resolv.conf'), [{ hostPath: '/pods/x/resolv.conf', containerPath: '/etc/resolv.conf', readonly: true }]);
  const own = [{ hostPath: '/mine', containerPath: '/etc/resolv.conf' }];
  t.is(withResolvConf(own, '/pods/x/resolv.conf'), own, "a volume of the pod's own at /etc/resolv.conf wins");
  t.deepEqual(withResolvConf([], undefined), []);
});

test('as root, a container sees its pod\'s resolv.conf and the node keeps its own', async (t) => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (pod namespaces)');
  const dir = await mkdtemp(join(tmpdir(), 'corral-process-dns-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const runtime = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });
  const nodeFile = await readFile('/etc/resolv.conf', 'utf8');
  for (const hostNetwork of [false, true]) {
    const config = sandboxConfig(dir, `dns-${hostNetwork}`, { dns: POD_DNS, hostNetwork });
    const sandbox = await runtime.runPodSandbox(config);
    t.teardown(() => runtime.removePodSandbox(sandbox));
    const { status, output } = await runToExit(runtime, sandbox, config, shellContainer('cat', 'cat /etc/resolv.conf'));
    t.is(status.exitCode, 0, output);
    t.is(output, resolvConfText(POD_DNS), `hostNetwork: ${hostNetwork}`);
  }
  t.is(await readFile('/etc/resolv.conf', 'utf8'), nodeFile);
});

test('through the agent, a pod resolves a Service by its short name with the cluster DNS', async (t) => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (pod namespaces)');
  const dir = await mkdtemp(join(tmpdir(), 'corral-process-dns-agent-'));
  const api = await startTestApiServer({ backend: 'embedded' });
  const client = new ApiClient({ server: api.url, namespace: 'dns-test', insecureSkipTlsVerify: false, files: [] });
  const runtime = new ProcessRuntime({ nodeName: 'dns-node', rootDir: dir });
  let agent: Agent | undefined;
  t.teardown(async () => {
    await agent?.stop({ stopPods: true });
    client.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  await client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dns-test' } });
  const service = await client.create<Service>('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'dns-test' }, spec: { ports: [{ port: 80 }] } }, { namespace: 'dns-test' });
  const clusterIP = service.spec?.clusterIP;
  t.truthy(clusterIP, 'the Service has a ClusterIP');
  const dns = await startTestDnsServer({ 'web.dns-test.svc.cluster.local': clusterIP! });
  t.teardown(() => dns.close());
  agent = await Agent.start({ client, nodeName: 'dns-node', runtime, rootDir: join(dir, 'agent'), listen: { host: '127.0.0.1', port: 0 }, nodeIP: '127.0.0.1', clusterDNS: [dns.address] });
  await agent.ready();
  // hostNetwork keeps the pod next to the test's DNS server; ClusterFirstWithHostNet gives it the cluster DNS all the same.
  await client.create<Pod>(
    'pods',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'resolver', namespace: 'dns-test' },
      spec: {
        nodeName: 'dns-node',
        hostNetwork: true,
        dnsPolicy: 'ClusterFirstWithHostNet',
        restartPolicy: 'Never',
        containers: [{ name: 'lookup', image: 'host', command: ['/bin/sh', '-c', 'cat /etc/resolv.conf; getent ahostsv4 web'] }],
      },
    },
    { namespace: 'dns-test' },
  );
  const done = await waitFor(
    'the lookup pod to finish',
    async () => {
      const p = await client.get<Pod>('pods', 'resolver', { namespace: 'dns-test' });
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    },
    30_000,
  );
  const [container] = await runtime.listContainers({ labels: { 'corral.dev/pod-uid': done.metadata.uid! } });
  const output = await readAll(runtime.logs(container!.id));
  t.is(done.status?.phase, 'Succeeded', output);
  t.regex(output, new RegExp(`^nameserver ${dns.address.replace(/\./g, '\\.')}$`, 'm'));
  t.regex(output, /^search dns-test\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/m);
  t.regex(output, /^options ndots:5$/m);
  t.regex(output, new RegExp(`^${clusterIP!.replace(/\./g, '\\.')}\\s+STREAM web\\.dns-test\\.svc\\.cluster\\.local$`, 'm'));
  t.true(dns.asked.includes('web.dns-test.svc.cluster.local 1'), dns.asked.join(', '));
});
