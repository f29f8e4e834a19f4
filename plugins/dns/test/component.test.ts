import test, { type ExecutionContext } from 'ava';
import { createSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, createCorral, startComponents, type Endpoints, type Service } from '@corral/core';
import { startTestApiServer, waitFor } from '@corral/core/testing';
import { DnsServiceKeeper, parseResponse, TYPE, writeQuery } from '../src/index.js';

function udpQuery(port: number, name: string, type: number = TYPE.A) {
  return new Promise<ReturnType<typeof parseResponse>>((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => (s.close(), reject(new Error('no DNS answer'))), 3000);
    s.on('message', (m) => (clearTimeout(timer), s.close(), resolve(parseResponse(m))));
    s.send(writeQuery(1, name, type), port, '127.0.0.1');
  });
}

function tcpQuery(port: number, name: string) {
  return new Promise<ReturnType<typeof parseResponse>>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    const msg = writeQuery(2, name, TYPE.A);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(msg.length);
    s.write(Buffer.concat([len, msg]));
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        resolve(parseResponse(buf.subarray(2)));
      }
    });
    s.on('error', reject);
  });
}

/** An API server and the DNS component of a config naming only the DNS plugin; `warn` gets its warnings. */
async function dnsComponent(t: ExecutionContext, warn: (m: string) => void) {
  const dir = await mkdtemp(join(tmpdir(), 'corral-dns-'));
  const config = join(dir, 'corral.yaml');
  await writeFile(
    config,
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      '  - name: "@corral/plugin-dns"',
      '    options: { listen: "127.0.0.1:0", advertiseAddress: "127.0.0.1", serviceIP: "10.97.0.10", upstreams: [] }',
      '',
    ].join('\n'),
  );
  const srv = await startTestApiServer({ backend: 'embedded', server: { services: { serviceCIDR: '10.97.0.0/24' } } });
  const client = new ApiClient({ server: srv.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const corral = await createCorral({ role: 'server', configFile: config });
  const components = await startComponents({ corral, client, kind: 'server', logger: { warn, error: warn, info: () => undefined } });
  t.teardown(async () => {
    await components.stop();
    client.close();
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { client, components };
}

test('the DNS component answers from the API over UDP and TCP, follows changes, and publishes kube-dns', async (t) => {
  const { client, components } = await dnsComponent(t, (m) => t.log(m));
  t.deepEqual(components.names, ['dns']);

  const dns = await client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' });
  t.is(dns.spec.clusterIP, '10.97.0.10');
  const port = (dns.spec.ports![0]!.targetPort as number) ?? 0;
  t.true(port > 0);
  const self = await udpQuery(port, 'kube-dns.kube-system.svc.cluster.local');
  t.deepEqual(self.answers.map((a) => a.data), ['10.97.0.10']);

  const web = await client.create<Service>('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  let found = await udpQuery(port, 'web.default.svc.cluster.local');
  for (let i = 0; i < 50 && found.answers.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    found = await udpQuery(port, 'web.default.svc.cluster.local');
  }
  t.deepEqual(found.answers.map((a) => a.data), [web.spec.clusterIP]);
  t.deepEqual((await tcpQuery(port, 'web.default.svc.cluster.local')).answers.map((a) => a.data), [web.spec.clusterIP]);
});

test('kube-dns deleted or changed by hand is put back while the DNS runs', async (t) => {
  const warnings: string[] = [];
  const { client } = await dnsComponent(t, (m) => warnings.push(m));
  const first = await client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' });
  const firstEndpoints = await client.get<Endpoints>('endpoints', 'kube-dns', { namespace: 'kube-system' });

  await client.delete('services', 'kube-dns', { namespace: 'kube-system' });
  const back = await waitFor('kube-dns back', () => client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' }).catch(() => undefined), 10_000);
  t.not(back.metadata.uid, first.metadata.uid, 'a new Service');
  t.is(back.spec.clusterIP, '10.97.0.10');
  t.deepEqual(back.spec.ports!.map((p) => p.targetPort), first.spec.ports!.map((p) => p.targetPort));

  await client.update<Endpoints>('endpoints', { ...firstEndpoints, metadata: { ...firstEndpoints.metadata, resourceVersion: undefined }, subsets: [{ addresses: [{ ip: '10.0.0.99' }], ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }] }] });
  const restored = await waitFor(
    'the Endpoints restored',
    async () => {
      const ep = await client.get<Endpoints>('endpoints', 'kube-dns', { namespace: 'kube-system' });
      return JSON.stringify(ep.subsets) === JSON.stringify(firstEndpoints.subsets) ? ep : undefined;
    },
    10_000,
  );
  t.deepEqual(restored.subsets, firstEndpoints.subsets);
  t.deepEqual(warnings, []);
});

test('publishing kube-dns before the API answers is retried until it does, said once each way', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const client = new ApiClient({ server: `http://127.0.0.1:${port}`, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const warnings: string[] = [];
  const keeper = new DnsServiceKeeper({ client, serviceIP: '10.97.0.10', address: '127.0.0.1', port: 5353, warn: (m) => warnings.push(m), retryMs: 100, maxRetryMs: 400 });
  let srv: Awaited<ReturnType<typeof startTestApiServer>> | undefined;
  t.teardown(async () => {
    await keeper.stop();
    client.close();
    await srv?.close();
  });
  t.false(await keeper.start(), 'nothing answers yet');
  t.is(warnings.length, 1);
  t.regex(warnings[0]!, /publishing kube-system\/kube-dns on 10\.97\.0\.10 failed: .*retrying/);
  await new Promise((r) => setTimeout(r, 700));
  t.is(warnings.length, 1, 'one warning for a run of failures');

  srv = await startTestApiServer({ backend: 'embedded', server: { listen: `127.0.0.1:${port}`, services: { serviceCIDR: '10.97.0.0/24' } } });
  const svc = await waitFor('kube-dns published', () => client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' }).catch(() => undefined), 10_000);
  t.is(svc.spec.clusterIP, '10.97.0.10');
  const ep = await client.get<Endpoints>('endpoints', 'kube-dns', { namespace: 'kube-system' });
  t.deepEqual(ep.subsets?.[0]?.addresses, [{ ip: '127.0.0.1' }]);
  await waitFor('the recovery said', async () => warnings.length === 2, 5_000);
  t.regex(warnings[1]!, /published kube-system\/kube-dns on 10\.97\.0\.10 after \d+ failed attempt/);
});
