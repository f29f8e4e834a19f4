// The service account controller on a real control plane: `default` in every namespace, made
// again when deleted, never in a namespace being deleted; the plugin's options are checked.
import test from 'ava';
import { isApiError, type Namespace, type ServiceAccount } from '@corral/core/api';
import type { ApiClient } from '@corral/core/client';
import { ConfigError, createCorral } from '@corral/core/kernel';
import { startTestControlPlane, waitFor, type TestControlPlane } from '@corral/core/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-serviceaccounts'], scheduler: false });
});

test.after.always(async () => {
  await cp?.stop();
});

async function account(client: ApiClient, namespace: string, name = 'default'): Promise<ServiceAccount | undefined> {
  try {
    return await client.get<ServiceAccount>('serviceaccounts', name, { namespace });
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}

async function createNamespace(name: string, finalizers?: string[]): Promise<void> {
  await cp.client.create<Namespace>('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, ...(finalizers ? { spec: { finalizers } } : {}) });
}

test('the namespaces there from the start each get a default ServiceAccount', async (t) => {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    const sa = await waitFor(`the default ServiceAccount in ${ns}`, () => account(cp.client, ns));
    t.is(sa.metadata.namespace, ns);
  }
});

test('a namespace created later gets one; deleted from a live namespace, it comes back as a new object', async (t) => {
  await createNamespace('sa-later');
  const first = await waitFor('the default ServiceAccount in sa-later', () => account(cp.client, 'sa-later'));
  await cp.client.delete('serviceaccounts', 'default', { namespace: 'sa-later' });
  const second = await waitFor('a new default ServiceAccount in sa-later', async () => {
    const sa = await account(cp.client, 'sa-later');
    return sa && sa.metadata.uid !== first.metadata.uid ? sa : undefined;
  });
  t.not(second.metadata.uid, first.metadata.uid);
});

test('other ServiceAccounts are left alone: deleted, they stay deleted', async (t) => {
  await createNamespace('sa-others');
  await waitFor('the default ServiceAccount in sa-others', () => account(cp.client, 'sa-others'));
  await cp.client.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'build-bot' } }, { namespace: 'sa-others' });
  await cp.client.delete('serviceaccounts', 'build-bot', { namespace: 'sa-others' });
  // Once default is back, the controller has acted on this namespace after build-bot went.
  const defaultUid = (await account(cp.client, 'sa-others'))!.metadata.uid;
  await cp.client.delete('serviceaccounts', 'default', { namespace: 'sa-others' });
  await waitFor('default back in sa-others', async () => {
    const sa = await account(cp.client, 'sa-others');
    return sa !== undefined && sa.metadata.uid !== defaultUid;
  });
  t.is(await account(cp.client, 'sa-others', 'build-bot'), undefined);
});

test('a namespace being deleted gets none back, though its contents, default included, are deleted', async (t) => {
  // A finalizer of the test's own holds the namespace in Terminating after it is emptied.
  await createNamespace('sa-ending', ['example.com/hold']);
  await waitFor('the default ServiceAccount in sa-ending', () => account(cp.client, 'sa-ending'));
  await cp.client.delete('namespaces', 'sa-ending');
  await waitFor('sa-ending emptied', async () => (await cp.client.list('serviceaccounts', { namespace: 'sa-ending' })).items.length === 0);
  const ns = await cp.client.get<Namespace>('namespaces', 'sa-ending');
  t.is(ns.status?.phase, 'Terminating');
  // The controller still works (a namespace created after this one is served) and made nothing here.
  await createNamespace('sa-after-ending');
  await waitFor('the default ServiceAccount in sa-after-ending', () => account(cp.client, 'sa-after-ending'));
  t.deepEqual((await cp.client.list('serviceaccounts', { namespace: 'sa-ending' })).items, []);
});

test('options: other account names; a bad name stops start-up with the file and the path', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-sa-options-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'corral.yaml');
  await writeFile(file, ['apiVersion: corral.dev/v1alpha1', 'kind: CorralConfig', 'plugins:', '  - name: "@corral/plugin-serviceaccounts"', '    options: { names: [default, Bad_Name] }', ''].join('\n'));
  const err = await t.throwsAsync(createCorral({ role: 'server', configFile: file }));
  t.true(err instanceof ConfigError, String(err));
  const problems = (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  t.true(problems.some((p) => /options\.names\[1\]/.test(p) && /must be a ServiceAccount name/.test(p)), problems.join('\n'));

  const custom = await startTestControlPlane({ plugins: [{ name: '@corral/plugin-serviceaccounts', options: { names: ['default', 'builder'] } }], scheduler: false });
  t.teardown(() => custom.stop());
  await waitFor('builder in default', () => account(custom.client, 'default', 'builder'));
  t.truthy(await waitFor('default in default', () => account(custom.client, 'default')));
});
