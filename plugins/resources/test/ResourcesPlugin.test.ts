import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinResources, createCorral, describeCorral } from '@corral/core';
import { PLUGIN_NAME } from '../src/index.js';

test('the default config registers every built-in kind through registerResources', async (t) => {
  const corral = await createCorral({ role: 'server' });
  t.is(corral.resources.list().length, builtinResources.length);
  t.is(corral.resources.forKind('v1', 'Pod')?.plural, 'pods');
  t.is(corral.resources.forResource('apps', 'v1', 'deployments')?.kind, 'Deployment');
  t.deepEqual(corral.resources.find('po').map((d) => d.kind), ['Pod']);
  const report = describeCorral(corral).plugins.find((p) => p.name === PLUGIN_NAME);
  t.deepEqual(report?.taps, [{ hook: 'registerResources' }]);
  t.is(report?.source.kind, 'package');
  t.is(corral.resources.ownerOf(corral.resources.forKind('v1', 'Service')!), PLUGIN_NAME);
});

test('it applies in every role: agents and clients need the kinds too', async (t) => {
  for (const role of ['server', 'agent', 'all'] as const) {
    const corral = await createCorral({ role });
    t.truthy(corral.resources.forKind('v1', 'Node'), role);
  }
});

test('a user config can disable it, and then no kind is served', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-resources-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'corral.yaml');
  await writeFile(file, 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins:\n  - name: "@corral/plugin-resources"\n    enabled: false\n');
  const corral = await createCorral({ role: 'server', configFile: file });
  t.deepEqual(corral.resources.list(), []);
  t.false(corral.plugins.some((p) => p.name === PLUGIN_NAME));
});
