import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createCorral } from '@corral/core';
import { CriRuntime, CriUnavailableError, DEFAULT_ENDPOINT } from '../src/index.js';

// The plugin as an agent loads it: from a config file, by package name.

const dir = mkdtempSync(join(tmpdir(), 'corral-cri-plugin-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const defaults = join(dir, 'defaults.yaml');
writeFileSync(defaults, 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins: []\n');

function configWith(name: string, options?: unknown): string {
  const file = join(dir, `${name}.yaml`);
  const entry = options === undefined ? '' : `\n    options: ${JSON.stringify(options)}`;
  writeFileSync(file, `apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins:\n  - name: "@corral/runtime-cri"${entry}\nagent:\n  runtime: cri\n`);
  return file;
}

test('it offers the cri runtime, on containerd\'s default socket unless told otherwise', async (t) => {
  const corral = await createCorral({ role: 'agent', configFile: configWith('default'), defaultConfigFile: defaults });
  const adapter = corral.hooks.runtimeAdapter.for('cri').call({ nodeName: 'node-a', rootDir: dir });
  t.true(adapter instanceof CriRuntime);
  t.is(adapter?.name, 'cri');
  t.is((adapter as CriRuntime).endpoint, DEFAULT_ENDPOINT);
  await adapter?.close();
});

test('the endpoint option chooses the socket; a bare path is taken as a unix socket', async (t) => {
  const socket = join(dir, 'nothing-listens-here.sock');
  const corral = await createCorral({ role: 'agent', configFile: configWith('custom', { endpoint: socket }), defaultConfigFile: defaults });
  const adapter = corral.hooks.runtimeAdapter.for('cri').call({ nodeName: 'node-a', rootDir: dir }) as CriRuntime;
  t.is(adapter.endpoint, `unix://${socket}`);
  // Constructing it connected to nothing; the first call does, and says what is wrong.
  const err = await t.throwsAsync(adapter.listPodSandboxes(), { instanceOf: CriUnavailableError });
  t.regex(err!.message, new RegExp(`${socket}.*Start it`));
  await adapter.close();
});

test('an endpoint that is not a unix socket stops start-up, naming the option', async (t) => {
  const err = await t.throwsAsync(createCorral({ role: 'agent', configFile: configWith('bad', { endpoint: 'tcp://127.0.0.1:1' }), defaultConfigFile: defaults }), { instanceOf: ConfigError });
  t.regex(err!.message, /plugins\[0\]\.options\.endpoint/);
  t.regex(err!.message, /unix socket/);
});
