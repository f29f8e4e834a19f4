import test from 'ava';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../src/kernel/index.js';
import { Scratch, problemsOf } from './helpers.js';

test('the shipped default config loads on its own and lists the built-in plugins', async (t) => {
  const { config } = await loadConfig();
  t.deepEqual(config.files, [DEFAULT_CONFIG_FILE]);
  t.deepEqual(
    config.plugins.map((p) => p.name),
    [
      '@corral/plugin-resources',
      '@corral/plugin-scheduling',
      '@corral/plugin-workloads',
      '@corral/plugin-batch',
      '@corral/plugin-endpoints',
      '@corral/plugin-node-lifecycle',
      '@corral/plugin-gc',
      '@corral/plugin-serviceaccounts',
      '@corral/plugin-node-ipam',
      '@corral/plugin-dns',
      '@corral/runtime-process',
      '@corral/runtime-docker',
      '@corral/runtime-cri',
      '@corral/network-bridge',
      '@corral/network-overlay',
      '@corral/network-userspace',
      '@corral/network-iptables',
    ],
  );
  t.deepEqual(config.agent, { runtime: 'process', network: { pods: 'bridge', services: 'userspace' } });
  t.deepEqual(config.store, { embedded: { dir: '.corral/data' } });
  t.deepEqual(
    config.scheduler.profiles.map((p) => p.name),
    ['default-scheduler'],
  );
});

test('a JSON config file is read like a YAML one', async (t) => {
  const s = await Scratch.create(t);
  const defaults = await s.defaults();
  const file = await s.write(
    'corral.json',
    JSON.stringify({ apiVersion: 'corral.dev/v1alpha1', kind: 'CorralConfig', agent: { runtime: 'docker' } }, null, 2),
  );
  const { config } = await loadConfig(file, { defaultFile: defaults });
  t.is(config.agent.runtime, 'docker');
  t.deepEqual(config.files, [defaults, file]);
});

test('unknown keys are errors, with the file, the path, the line and the allowed keys', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.config('agent:\n  runtim: docker\n');
  const problems = await problemsOf(t, async () => loadConfig(file, { defaultFile: await s.defaults() }));
  t.deepEqual(problems, [
    { file, path: 'agent.runtim', message: 'unknown key; expected one of: nodeName, runtime, network, clusterDNS, clusterDomain, timing', line: 4, col: 11 },
  ]);
});

test('every schema problem of a file is reported at once', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.write(
    'corral.yaml',
    [
      'apiVersion: corral.dev/v1',
      'kind: CorralConfig',
      'store: { embedded: { dir: a }, etcd: { endpoints: ["http://x:2379"] } }',
      'plugins:',
      '  - name: ./a.js',
      '    enabled: maybe',
      'server: { listen: "6443" }',
      '',
    ].join('\n'),
  );
  const problems = await problemsOf(t, () => loadConfig(file, { defaultFile: DEFAULT_CONFIG_FILE }));
  t.deepEqual(
    problems.map((p) => [p.path, p.message, p.line]),
    [
      ['apiVersion', 'must be [corral.dev/v1alpha1]', 1],
      ['store', 'contains a conflict between exclusive peers [embedded, etcd]', 3],
      ['plugins[0].enabled', 'must be a boolean', 6],
      ['server.listen', 'must be host:port, e.g. 127.0.0.1:6443', 7],
    ],
  );
});

test('bad YAML is reported as file:line:col before anything else is read', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.config('plugins:\n  - name: a\n   bad: [\n');
  const problems = await problemsOf(t, async () => loadConfig(file, { defaultFile: await s.defaults() }));
  t.true(problems.length >= 1);
  t.is(problems[0]!.file, file);
  t.is(problems[0]!.line, 5);
  t.regex(problems[0]!.message, /^invalid YAML: /);
});

test('duplicate keys in YAML are errors, not silently last-wins', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.config('agent: { runtime: a }\nagent: { runtime: b }\n');
  const problems = await problemsOf(t, async () => loadConfig(file, { defaultFile: await s.defaults() }));
  t.is(problems[0]!.line, 4);
  t.regex(problems[0]!.message, /unique/);
});

test('a missing config file is a problem naming the file', async (t) => {
  const s = await Scratch.create(t);
  const file = `${s.dir}/nope.yaml`;
  const problems = await problemsOf(t, () => loadConfig(file));
  t.deepEqual(problems, [{ file, path: '', message: 'cannot read the config file: file not found' }]);
});

test('layering: the user disables a built-in, replaces another one\'s options, and adds plugins after them', async (t) => {
  const s = await Scratch.create(t);
  const defaults = await s.defaults(
    ['plugins:', '  - name: builtin-a', '  - name: builtin-b', '    options: { size: 1, mode: x }', '  - name: builtin-c', ''].join('\n'),
  );
  const user = await s.config(
    [
      'plugins:',
      '  - name: ./mine.js',
      '  - name: builtin-b',
      '    options: { size: 2 }',
      '  - name: builtin-a',
      '    enabled: false',
      '  - name: other-package',
      '',
    ].join('\n'),
  );
  const { config } = await loadConfig(user, { defaultFile: defaults });
  t.deepEqual(
    config.plugins.map((p) => [p.name, p.options, p.origin.file]),
    [
      ['builtin-b', { size: 2 }, user],
      ['builtin-c', undefined, defaults],
      ['./mine.js', undefined, user],
      ['other-package', undefined, user],
    ],
  );
  t.deepEqual(config.plugins[0]!.optionsOrigin, { file: user, path: ['plugins', 1, 'options'] });
});

test('layering: naming a built-in without options keeps its default options', async (t) => {
  const s = await Scratch.create(t);
  const defaults = await s.defaults('plugins:\n  - name: builtin\n    options: { size: 1 }\n');
  const user = await s.config('plugins:\n  - name: builtin\n');
  const { config } = await loadConfig(user, { defaultFile: defaults });
  t.deepEqual(config.plugins[0]!.options, { size: 1 });
  t.is(config.plugins[0]!.optionsOrigin.file, defaults);
});

test('layering: a built-in the defaults list as disabled can be enabled by the user', async (t) => {
  const s = await Scratch.create(t);
  const defaults = await s.defaults('plugins:\n  - name: optional-builtin\n    enabled: false\n  - name: other\n');
  t.deepEqual((await loadConfig(undefined, { defaultFile: defaults })).config.plugins.map((p) => p.name), ['other']);
  const user = await s.config('plugins:\n  - name: optional-builtin\n    enabled: true\n');
  t.deepEqual((await loadConfig(user, { defaultFile: defaults })).config.plugins.map((p) => p.name), ['optional-builtin', 'other']);
});

test('disabling a plugin the defaults do not list, and listing one twice, are errors', async (t) => {
  const s = await Scratch.create(t);
  const user = await s.config(['plugins:', '  - name: typo-plugin', '    enabled: false', '  - name: ./a.js', '  - name: ./a.js', ''].join('\n'));
  const defaults = await s.defaults();
  const problems = await problemsOf(t, () => loadConfig(user, { defaultFile: defaults }));
  t.deepEqual(
    problems.map((p) => [p.path, p.line, p.message]),
    [
      ['plugins[0].enabled', 5, `disables "typo-plugin", which the default config does not list (${defaults})`],
      ['plugins[2].name', 7, 'duplicate plugin entry "./a.js" (already at plugins[1]); list each plugin once'],
    ],
  );
});

test('layering: store is replaced, agent and server merge key by key', async (t) => {
  const s = await Scratch.create(t);
  const defaults = await s.defaults(
    'store: { embedded: { dir: /var/lib/corral } }\nagent: { runtime: process, network: { pods: bridge, services: userspace } }\nserver: { listen: "127.0.0.1:6443", dataDir: /d }\n',
  );
  const user = await s.config('store: { etcd: { endpoints: ["http://10.0.0.1:2379"] } }\nagent: { network: { services: iptables } }\nserver: { listen: "0.0.0.0:7443" }\n');
  const { config } = await loadConfig(user, { defaultFile: defaults });
  t.deepEqual(config.store, { etcd: { endpoints: ['http://10.0.0.1:2379'] } });
  t.deepEqual(config.agent, { runtime: 'process', network: { pods: 'bridge', services: 'iptables' } });
  t.deepEqual(config.server, { listen: '0.0.0.0:7443', dataDir: '/d' });
  t.is(config.agentOrigins.services?.file, user);
  t.is(config.agentOrigins.runtime?.file, defaults);
});
