import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/kernel/config/load.js';
import { writeUpConfigs } from '../../src/up/configs.js';

test("the agents get the overlay and the server's DNS the underlay address, on top of the user's config", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-up-configs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const user = join(dir, 'corral.yaml');
  writeFileSync(
    user,
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      '  - name: "@corral/plugin-dns"',
      '    options: { upstreams: [] }',
      'agent:',
      '  network: { services: iptables }',
      '',
    ].join('\n'),
  );
  const files = await writeUpConfigs(user, '10.230.9.1', join(dir, 'nodes'));
  const agent = await loadConfig(files.agent);
  t.deepEqual(agent.config.agent.network, { pods: 'overlay', services: 'iptables' });
  const server = await loadConfig(files.server);
  t.deepEqual(server.config.plugins.find((p) => p.name === '@corral/plugin-dns')?.options, { upstreams: [], advertiseAddress: '10.230.9.1' });
  t.deepEqual(agent.config.plugins.find((p) => p.name === '@corral/plugin-dns')?.options, { upstreams: [] }, "the agents' copy is the user's");
});

test('without a config file, the defaults with the same additions', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-up-configs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const files = await writeUpConfigs(undefined, '10.230.9.1', dir);
  t.is((await loadConfig(files.agent)).config.agent.network?.pods, 'overlay');
  t.deepEqual((await loadConfig(files.server)).config.plugins.find((p) => p.name === '@corral/plugin-dns')?.options, { advertiseAddress: '10.230.9.1' });
});
