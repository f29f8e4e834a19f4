import test from 'ava';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, createCorral, startComponents, type Service } from '@corral/core';
import { startTestApiServer } from '@corral/core/testing';
import { parseResponse, TYPE, writeQuery } from '../src/index.js';

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

test('the DNS component answers from the API over UDP and TCP, follows changes, and publishes kube-dns', async (t) => {
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
  const components = await startComponents({ corral, client, kind: 'server', logger: { warn: (m) => t.log(m), error: (m) => t.log(m), info: () => undefined } });
  t.teardown(async () => {
    await components.stop();
    client.close();
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });
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
