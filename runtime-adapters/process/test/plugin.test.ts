import { fileURLToPath } from 'node:url';
import test from 'ava';
import { ConfigError, createCorral } from '@corral/core';
import { PLUGIN_NAME, ProcessRuntime } from '../src/index.js';

const configs = fileURLToPath(new URL('../../test/configs/', import.meta.url));
const defaultConfigFile = `${configs}empty-default.yaml`;

test('the plugin offers the process runtime under agent.runtime: process', async (t) => {
  const corral = await createCorral({ role: 'agent', configFile: `${configs}process.yaml`, defaultConfigFile });
  const adapter = corral.hooks.runtimeAdapter.for('process').call({ nodeName: 'node-1', rootDir: '/nonexistent/not-touched' });
  t.true(adapter instanceof ProcessRuntime);
  t.is(adapter?.name, 'process');
  t.is(corral.hooks.runtimeAdapter.for('docker').call({ nodeName: 'node-1', rootDir: '/x' }), undefined);
});

test('bad options stop start-up with the path and what was expected', async (t) => {
  const err = await t.throwsAsync(createCorral({ role: 'agent', configFile: `${configs}bad-options.yaml`, defaultConfigFile }));
  t.true(err instanceof ConfigError, String(err));
  t.regex(err!.message, /plugins\[0\]\.options\.namespaces/);
  t.regex(err!.message, /auto.*off|must be one of/);
  t.is(PLUGIN_NAME, 'ProcessRuntimePlugin');
});
