import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../../src/cli/commands/server.js';
import { ApiClient, LEASES, type ApiObject, type Lease, type Pod } from '../../src/index.js';
import { probe } from './fixtures/copier-plugin.js';
import { waitFor as until } from '../../src/testing/index.js';

const PLUGIN = fileURLToPath(new URL('./fixtures/copier-plugin.js', import.meta.url));


test('corral server runs the controllers and the scheduler beside the API, leader-elected, and releases the leases on stop', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-server-'));
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ apiVersion: 'corral.dev/v1alpha1', kind: 'CorralConfig', plugins: [{ name: PLUGIN }] }));
  const out: string[] = [];
  const ctx = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, env: {}, exitCode: 0 };
  const running = await startServerProcess(ctx, { config, 'data-dir': join(dir, 'data'), listen: '127.0.0.1:0', tls: false, _: [], $0: 'corral' } as never, 'server', true);
  t.truthy(running, out.join(''));
  const client = new ApiClient({ server: running!.api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  try {
    const lease = (name: string) => client.get<Lease>(LEASES, name, { namespace: 'kube-system' });
    await until('the controller manager leads', async () => (await lease('corral-controller-manager').catch(() => undefined))?.spec?.holderIdentity === running!.controllers.identity);
    await until('the scheduler leads', async () => (await lease('corral-scheduler').catch(() => undefined))?.spec?.holderIdentity === running!.scheduler!.identity);

    // A controller of the config's plugin reconciles.
    await client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'srv-1', namespace: 'default', labels: { test: 'copier', app: 'x' } } } as ApiObject);
    await until('copied', async () => (await client.get('configmaps', 'srv-1', { namespace: 'default' })).metadata.annotations?.copied === 'x');
    t.true((probe.calls.get('copier') ?? []).includes('default/srv-1'));

    // The scheduler binds.
    const created = await client.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} } as ApiObject);
    await client.updateStatus('nodes', { ...created, status: { allocatable: { cpu: '2', memory: '2Gi', pods: '10' }, capacity: { cpu: '2', memory: '2Gi', pods: '10' }, conditions: [{ type: 'Ready', status: 'True' }] } } as ApiObject);
    await client.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } } as ApiObject);
    await until('p1 bound', async () => (await client.get<Pod>('pods', 'p1', { namespace: 'default' })).spec.nodeName === 'n1');

    await running!.stop();
    const restarted = await startServerProcess(ctx, { config, 'data-dir': join(dir, 'data'), listen: '127.0.0.1:0', tls: false, _: [], $0: 'corral' } as never, 'server', false);
    const after = new ApiClient({ server: restarted!.api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
    const released = await after.get<Lease>(LEASES, 'corral-controller-manager', { namespace: 'kube-system' });
    t.is(released.spec?.holderIdentity, '', 'released on a clean stop');
    t.is((await after.get<Lease>(LEASES, 'corral-scheduler', { namespace: 'kube-system' })).spec?.holderIdentity, '');
    after.close();
    await restarted!.stop();
  } finally {
    client.close();
    await rm(dir, { recursive: true, force: true });
  }
});
