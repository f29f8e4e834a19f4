import test from 'ava';
import { fileURLToPath } from 'node:url';
import { ConfigError, createCorral, type AdmissionContext, type ApiObject, type Corral, type Pod } from '@corral/core';
import { LabelPodsPlugin } from '@corral/e2e-fixture-label-pods';

// The example plugin from e2e/fixtures/label-pods-plugin, loaded by path from a config file.
const configs = new URL('../../configs/', import.meta.url);
const config = (name: string) => fileURLToPath(new URL(name, configs));
const LABEL = 'e2e.corral.dev/labelled';

function newPod(name: string, labels?: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };
}

function admission(corral: Corral, kind: string, operation: AdmissionContext['operation'] = 'CREATE'): AdmissionContext {
  const resource = corral.resources.list().find((d) => d.kind === kind);
  if (!resource) throw new Error(`kind ${kind} is not registered`);
  return { operation, resource, dryRun: false };
}

test('with the plugin in the config, the mutate hook labels every new Pod', async (t) => {
  const corral = await createCorral({ role: 'server', configFile: config('label-pods.yaml') });
  const input = newPod('web', { app: 'web' });
  const out = await corral.hooks.mutate.promise(input, admission(corral, 'Pod'));
  t.deepEqual(out.metadata.labels, { app: 'web', [LABEL]: 'yes' });
  t.deepEqual(input.metadata.labels, { app: 'web' }, 'the object handed in is not modified');
  // The built-ins come first, from packages; the user's plugin is added after them, by path.
  t.deepEqual(corral.plugins.at(-1) && [corral.plugins.at(-1)!.name, corral.plugins.at(-1)!.source.kind], ['LabelPodsPlugin', 'path']);
  t.true(corral.plugins.slice(0, -1).every((p) => p.source.kind === 'package'));
});

test('without it, the same Pod passes admission unlabelled', async (t) => {
  const corral = await createCorral({ role: 'server', configFile: config('without-label-pods.yaml') });
  const out = await corral.hooks.mutate.promise(newPod('web', { app: 'web' }), admission(corral, 'Pod'));
  t.deepEqual(out.metadata.labels, { app: 'web' });
  t.false(corral.hooks.mutate.isUsed());
});

test('other kinds and an existing label are left alone', async (t) => {
  const corral = await createCorral({ role: 'server', configFile: config('label-pods.yaml') });
  const service: ApiObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} };
  t.is(await corral.hooks.mutate.promise(service, admission(corral, 'Service')), service);
  const mine = newPod('mine', { [LABEL]: 'mine' });
  t.deepEqual((await corral.hooks.mutate.promise(mine, admission(corral, 'Pod', 'UPDATE'))).metadata.labels, { [LABEL]: 'mine' });
});

test("another plugin can tap the example plugin's own hook (getHooks), not the core's", async (t) => {
  const corral = await createCorral({ role: 'server', configFile: config('label-pods.yaml') });
  LabelPodsPlugin.getHooks(corral).labelValue.tap('PerPodValue', (value, pod) => `${value}-${pod.metadata.name}`);
  const out = await corral.hooks.mutate.promise(newPod('api'), admission(corral, 'Pod'));
  t.is(out.metadata.labels?.[LABEL], 'yes-api');
  t.false('labelValue' in corral.hooks);
});

test('bad options for it stop start-up, naming the file, the path and what was expected', async (t) => {
  const file = config('label-pods-bad-options.yaml');
  const err = await t.throwsAsync(createCorral({ role: 'server', configFile: file }), { instanceOf: ConfigError });
  t.deepEqual(err?.problems, [
    {
      file,
      path: 'plugins[0].options.key',
      line: 7,
      col: 12,
      message: 'must be a label key: [prefix/]name, the name at most 63 of A-Z a-z 0-9 - _ .',
    },
    { file, path: 'plugins[0].options.overwrite', line: 8, col: 18, message: 'must be a boolean' },
  ]);
});
