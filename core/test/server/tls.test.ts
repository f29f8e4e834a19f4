// HTTPS: when it is used, the certificates it makes and keeps, client certificates; and a
// port already in use.
import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserInfo } from '../../src/kernel/index.js';
import { ListenError } from '../../src/server/index.js';
import { startTestApiServer, type TestApiServer } from '../../src/testing/index.js';

function get(url: string, ca: string, client?: { certificate: string; key: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, cert: client?.certificate, key: client?.key }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function scratch(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-tls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('tls: { dir } serves HTTPS with a CA made once and kept; the serving certificate names the hosts', async (t) => {
  const dir = await scratch(t);
  const users: (UserInfo | undefined)[] = [];
  const first = await startTestApiServer({ backend: 'embedded', server: { tls: { dir }, authorize: (user) => void users.push(user) } });
  t.teardown(() => first.close());
  t.regex(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const ca = first.server.caCertificate!;
  t.regex(ca, /BEGIN CERTIFICATE/);
  t.deepEqual((await readdir(dir)).sort(), ['apiserver.crt', 'apiserver.key', 'ca.crt', 'ca.key']);
  const res = await get(`${first.url}/api/v1/namespaces`, ca);
  t.is(res.status, 200);
  t.is(users.pop(), undefined, 'no client certificate: anonymous');

  const admin = first.server.issueClientCertificate!('alice', ['devs', 'system:masters']);
  t.is((await get(`${first.url}/api/v1/namespaces`, ca, admin)).status, 200);
  t.deepEqual(users.pop(), { username: 'alice', groups: ['devs', 'system:masters'] });

  const leaf = new X509Certificate((await import('node:fs')).readFileSync(join(dir, 'apiserver.crt')));
  for (const name of ['IP Address:127.0.0.1', 'DNS:localhost']) t.true(leaf.subjectAltName?.includes(name), leaf.subjectAltName);
  await first.close();

  const second = await startTestApiServer({ backend: 'embedded', server: { tls: { dir } } });
  t.teardown(() => second.close());
  t.is(second.server.caCertificate, ca, 'the same CA on the next start');
  t.is((await get(`${second.url}/version`, ca)).status, 200);
});

test('HTTPS is the default off loopback; tls: false forces plain HTTP', async (t) => {
  const open: TestApiServer[] = [];
  t.teardown(async () => {
    for (const s of open) await s.close();
  });
  const wild = await startTestApiServer({ backend: 'embedded', server: { listen: '0.0.0.0:0' } });
  open.push(wild);
  t.regex(wild.url, /^https:/);
  t.is((await get(`${wild.url}/readyz`, wild.server.caCertificate!)).status, 200);
  const plain = await startTestApiServer({ backend: 'embedded', server: { listen: '0.0.0.0:0', tls: false } });
  open.push(plain);
  t.regex(plain.url, /^http:/);
  t.is(plain.server.caCertificate, undefined);
  t.is((await fetch(`${plain.url}/readyz`)).status, 200);
});

test('a port in use is a ListenError saying which port and how to choose another', async (t) => {
  const first = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => first.close());
  const port = new URL(first.url).port;
  const err = await t.throwsAsync(startTestApiServer({ backend: 'embedded', server: { listen: `127.0.0.1:${port}` } }), { instanceOf: ListenError });
  t.is(err?.code, 'EADDRINUSE');
  t.regex(err?.message ?? '', new RegExp(`port ${port} is already in use.*--listen`));
});
