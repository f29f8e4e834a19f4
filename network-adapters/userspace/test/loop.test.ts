import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, createCorral, ip as ipCommand, startProxy } from '@corral/core';
import { startTestApiServer } from '@corral/core/testing';
import { askOnce, tcpBackend, testInterface } from './helpers.js';

// The proxy loop end to end: Services and Endpoints written through a real API server, the
// userspace data path chosen by name from the config, traffic to the allocated ClusterIP.

test('a Service answers on its ClusterIP and follows its Endpoints; a deleted Service stops answering', async (t) => {
  const link = testInterface();
  const dir = await mkdtemp(join(tmpdir(), 'corral-proxy-'));
  const config = join(dir, 'corral.yaml');
  await writeFile(
    config,
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'agent: { network: { services: userspace } }',
      'plugins:',
      '  - name: "@corral/network-userspace"',
      `    options: { serviceInterface: ${link}, nodePortAddresses: ["127.0.0.1"] }`,
      '',
    ].join('\n'),
  );
  const srv = await startTestApiServer({ backend: 'embedded', server: { services: { serviceCIDR: '198.19.0.0/24' } } });
  const client = new ApiClient({ server: srv.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const corral = await createCorral({ role: 'agent', configFile: config });
  const [a, b] = await Promise.all([tcpBackend('a'), tcpBackend('b')]);
  const proxy = await startProxy({ corral, client, nodeName: 'n1', nodeIPs: ['127.0.0.1'], batchMs: 20, onError: () => undefined });
  t.teardown(async () => {
    await proxy.stop();
    client.close();
    await srv.close();
    await Promise.all([a.close(), b.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const svc = await client.create<any>('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', ports: [{ name: 'http', port: 8000, targetPort: 'http' }] },
  });
  const ip: string = svc.spec.clusterIP;
  const nodePort: number = svc.spec.ports[0].nodePort;
  const endpoints = (ports: number[]) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: ports.map((port) => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port }] })),
  });
  await client.create('endpoints', endpoints([a.port]) as any);
  await proxy.synced();
  t.is(await askOnce(ip, 8000), 'a');
  t.is(await askOnce('127.0.0.1', nodePort), 'a');

  const current = await client.get<any>('endpoints', 'web');
  await client.update('endpoints', { ...endpoints([b.port]), metadata: { ...current.metadata } } as any);
  await proxy.synced();
  t.is(await askOnce(ip, 8000), 'b');

  await client.delete('services', 'web');
  await proxy.synced();
  t.deepEqual(proxy.table?.services, []);
  // The address is gone from the interface (connecting to it now would leave the machine).
  t.notRegex(await ipCommand(['-o', 'address', 'show', 'dev', link]), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
  await t.throwsAsync(askOnce('127.0.0.1', nodePort), undefined, 'the NodePort is closed');
});
