// `corral agent` takes the cluster DNS from the config's agent section; its flags beat it.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestApiServer } from '../../src/testing/index.js';
import { clientFor, createPod, pod, podUntil, startCliAgent } from './helpers.js';

const TESTING = pathToFileURL(fileURLToPath(new URL('../../src/testing/index.js', import.meta.url))).href;

test('agent.clusterDNS and agent.clusterDomain of the config reach pods; --cluster-domain beats the config', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-agent-dns-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const api = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => api.close());
  const report = join(dir, 'dns.json');
  // The in-memory runtime, writing each sandbox's DNS settings to a file on shutdown.
  await writeFile(
    join(dir, 'fake-runtime.mjs'),
    `import { writeFileSync } from 'node:fs';
import { FakeRuntime } from ${JSON.stringify(TESTING)};
const runtime = new FakeRuntime();
export const plugin = {
  name: 'FakeRuntimePlugin',
  apply(corral) {
    corral.hooks.runtimeAdapter.for('fake').tap('FakeRuntimePlugin', () => runtime);
    corral.hooks.shutdown.tapPromise('FakeRuntimePlugin', async () => {
      writeFileSync(${JSON.stringify(report)}, JSON.stringify([...runtime.sandboxes.values()].map((s) => s.config.dns)));
    });
  },
};
`,
  );
  await writeFile(
    join(dir, 'corral.yaml'),
    'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins:\n  - name: ./fake-runtime.mjs\nagent:\n  runtime: fake\n  network: { pods: none, services: none }\n  clusterDNS: 10.0.0.53\n  clusterDomain: config.test\n',
  );
  const args = ['--config', join(dir, 'corral.yaml'), '--server', api.url, '--node-name', 'dns-node', '--root-dir', join(dir, 'agent'), '--port', '0', '--address', '127.0.0.1', '--node-ip', '127.0.0.1', '--cluster-domain', 'flag.test'];
  const { child, output, exited } = await startCliAgent(t, args, 'dns-node');
  const client = clientFor(api.url);
  t.teardown(() => client.close());
  await createPod(client, pod('resolv', { nodeName: 'dns-node', containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(client, 'resolv', 'Running', (p) => p.status?.phase === 'Running');
  child.kill('SIGTERM');
  t.is(await exited, 0, output());
  const [dns] = JSON.parse(await readFile(report, 'utf8')) as { servers: string[]; searches: string[] }[];
  t.deepEqual(dns!.servers, ['10.0.0.53']);
  t.deepEqual(dns!.searches.slice(0, 3), ['default.svc.flag.test', 'svc.flag.test', 'flag.test']);
});
