import test from 'ava';
import { join } from 'node:path';
import { CORE_DIR, createCorral, describeCorral } from '../../src/kernel/index.js';
import { IMPORT_JOI, Scratch, pluginSource, problemsOf } from './helpers.js';

declare global {
  // Filled by the test plugins' apply (see helpers.pluginSource).
  var __applied: string[] | undefined;
}

test('plugins apply in list order, defaults first, and their taps run in that order', async (t) => {
  const s = await Scratch.create(t);
  const names = ['Order1', 'Order2', 'Order3', 'Order4'];
  for (const n of names) {
    await s.write(`p/${n}.mjs`, pluginSource(n, `corral.hooks.shutdown.tapPromise(${JSON.stringify(n)}, async () => { globalThis.__shutdown.push(${JSON.stringify(n)}); });`));
  }
  const defaults = await s.defaults('plugins:\n  - name: ../p/Order2.mjs\n  - name: ../p/Order4.mjs\n');
  const user = await s.config('plugins:\n  - name: ./p/Order3.mjs\n  - name: ./p/Order1.mjs\n');
  const corral = await createCorral({ role: 'all', configFile: user, defaultConfigFile: defaults });
  t.deepEqual(
    globalThis.__applied!.filter((n) => names.includes(n)),
    ['Order2', 'Order4', 'Order3', 'Order1'],
  );
  (globalThis as unknown as { __shutdown: string[] }).__shutdown = [];
  await corral.hooks.shutdown.promise();
  t.deepEqual((globalThis as unknown as { __shutdown: string[] }).__shutdown, ['Order2', 'Order4', 'Order3', 'Order1']);
});

test('names resolve as packages first (from the config file\'s directory), then as paths', async (t) => {
  const s = await Scratch.create(t);
  await s.write('node_modules/corral-plugin-x/package.json', JSON.stringify({ name: 'corral-plugin-x', type: 'module', exports: { '.': { types: './x.d.ts', import: './lib/x.js' } } }));
  await s.write('node_modules/corral-plugin-x/lib/x.js', pluginSource('FromPackage'));
  // A file with the same name as the package: the package wins.
  await s.write('corral-plugin-x', 'this is not loaded');
  await s.write('local/y.mjs', pluginSource('FromPath'));
  await s.write('dir-plugin/package.json', JSON.stringify({ main: 'main.mjs' }));
  await s.write('dir-plugin/main.mjs', pluginSource('FromDirectory'));
  const user = await s.config('plugins:\n  - name: corral-plugin-x\n  - name: local/y.mjs\n  - name: ./dir-plugin\n');
  const corral = await createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() });
  t.deepEqual(
    corral.plugins.map((p) => [p.name, p.source]),
    [
      ['FromPackage', { kind: 'package', package: 'corral-plugin-x', file: join(s.dir, 'node_modules/corral-plugin-x/lib/x.js') }],
      ['FromPath', { kind: 'path', file: join(s.dir, 'local/y.mjs') }],
      ['FromDirectory', { kind: 'path', file: join(s.dir, 'dir-plugin/main.mjs') }],
    ],
  );
});

test('an unknown plugin is reported with every place looked at', async (t) => {
  const s = await Scratch.create(t);
  const user = await s.config('plugins:\n  - name: "@acme/corral-plugin-nope"\n');
  const problems = await problemsOf(t, async () => createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() }));
  t.is(problems.length, 1);
  const [p] = problems;
  t.is(p!.file, user);
  t.is(p!.path, 'plugins[0].name');
  t.is(p!.line, 4);
  t.regex(p!.message, /^unknown plugin "@acme\/corral-plugin-nope": no package or file by that name; looked at:/);
  for (const looked of [
    join(s.dir, 'node_modules/@acme/corral-plugin-nope'),
    '/node_modules/@acme/corral-plugin-nope',
    join(CORE_DIR, 'node_modules/@acme/corral-plugin-nope'),
    join(s.dir, '@acme/corral-plugin-nope'),
  ]) {
    t.true(p!.message.includes(`\n      ${looked}`), `looked at ${looked}`);
  }
});

test('bad options name the file, the path in the config and what the schema wanted', async (t) => {
  const s = await Scratch.create(t);
  const joi = IMPORT_JOI;
  await s.write('p/ok.mjs', pluginSource('Ok'));
  await s.write(
    'p/weighted.mjs',
    `${joi}\nexport const plugin = { name: 'Weighted', options: Joi.object({ weight: Joi.number().integer().min(1).default(1), mode: Joi.string().valid('fast', 'safe') }), apply() {} };\n`,
  );
  const user = await s.config(
    ['plugins:', '  - name: ./p/ok.mjs', '  - name: ./p/ok2.mjs', '  - name: ./p/weighted.mjs', '    options:', '      weight: heavy', '      mode: reckless', ''].join('\n'),
  );
  await s.write('p/ok2.mjs', pluginSource('Ok2'));
  const problems = await problemsOf(t, async () => createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() }));
  t.deepEqual(problems, [
    { file: user, path: 'plugins[2].options.weight', message: 'must be a number', line: 8, col: 15 },
    { file: user, path: 'plugins[2].options.mode', message: 'must be one of [fast, safe]', line: 9, col: 13 },
  ]);
});

test("valid options reach apply with the schema's defaults filled in", async (t) => {
  const s = await Scratch.create(t);
  const joi = IMPORT_JOI;
  await s.write(
    'p/weighted.mjs',
    `${joi}\nexport default { name: 'Defaults', options: Joi.object({ weight: Joi.number().default(1), mode: Joi.string().default('safe') }), apply(corral, options) { globalThis.__defaultsSeen = options; } };\n`,
  );
  const user = await s.config('plugins:\n  - name: ./p/weighted.mjs\n    options: { weight: 3 }\n');
  const corral = await createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() });
  t.deepEqual((globalThis as unknown as { __defaultsSeen: unknown }).__defaultsSeen, { weight: 3, mode: 'safe' });
  t.deepEqual(describeCorral(corral).plugins[0]!.options, { weight: 3, mode: 'safe' });
});

test('options for a plugin without an options schema are refused', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/plain.mjs', pluginSource('Plain'));
  const user = await s.config('plugins:\n  - name: ./p/plain.mjs\n    options: { x: 1 }\n');
  const problems = await problemsOf(t, async () => createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() }));
  t.deepEqual(problems.map((p) => [p.path, p.message]), [['plugins[0].options', 'plugin "./p/plain.mjs" takes no options']]);
});

test('two plugins with the same name are refused: names are tap names', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/a.mjs', pluginSource('Twin'));
  await s.write('p/b.mjs', pluginSource('Twin'));
  const defaults = await s.defaults('plugins:\n  - name: ../p/a.mjs\n');
  const user = await s.config('plugins:\n  - name: ./p/b.mjs\n');
  const problems = await problemsOf(t, () => createCorral({ role: 'all', configFile: user, defaultConfigFile: defaults }));
  t.deepEqual(problems.map((p) => [p.file, p.path, p.message]), [
    [
      user,
      'plugins[0].name',
      `plugin name "Twin" (from "./p/b.mjs") is already taken by "../p/a.mjs" at ${defaults}: plugins[0]; plugin names are tap names and must be unique`,
    ],
  ]);
});

test('a plugin that throws in apply is named with its error, and start-up stops', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/good.mjs', pluginSource('GoodBeforeBad', 'corral.hooks.registerControllers.tap("GoodBeforeBad", () => { globalThis.__registeredAfterBad = true; });'));
  await s.write('p/bad.mjs', pluginSource('Bad', 'throw new Error("cannot find /etc/acme.conf");'));
  await s.write('p/async.mjs', 'export default { name: "AsyncApply", async apply() {} };\n');
  const user = await s.config('plugins:\n  - name: ./p/good.mjs\n  - name: ./p/bad.mjs\n  - name: ./p/async.mjs\n');
  const problems = await problemsOf(t, async () => createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() }));
  t.deepEqual(problems.map((p) => [p.path, p.message]), [
    ['plugins[1].name', 'plugin "Bad" threw in apply: cannot find /etc/acme.conf'],
    [
      'plugins[2].name',
      'plugin "AsyncApply": apply returned a promise; apply only taps hooks and must be synchronous (do async work in a hook such as started)',
    ],
  ]);
  t.is((globalThis as { __registeredAfterBad?: boolean }).__registeredAfterBad, undefined, 'no registration hook ran');
});

test('a module that is not a plugin, or fails to load, is reported', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/none.mjs', 'export const helper = 1;\nexport default { apply() {} };\n');
  await s.write('p/broken.mjs', 'throw new Error("top-level failure");\n');
  const user = await s.config('plugins:\n  - name: ./p/none.mjs\n  - name: ./p/broken.mjs\n');
  const problems = await problemsOf(t, async () => createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() }));
  t.deepEqual(problems.map((p) => p.message), [
    `"./p/none.mjs" (${join(s.dir, 'p/none.mjs')}) is not a plugin: the module exports no plugin (a default or named \`plugin\` export: { name, apply } or a class with apply()); the default export has no \`name\` (a non-empty string)`,
    `plugin "./p/broken.mjs" failed to load from ${join(s.dir, 'p/broken.mjs')}: top-level failure`,
  ]);
});

test('every problem of every kind is collected into one error; nothing is applied', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/fine.mjs', pluginSource('FineButNotApplied'));
  await s.write('p/plain.mjs', pluginSource('Plain2'));
  const user = await s.config('plugins:\n  - name: ./p/fine.mjs\n  - name: ./p/missing.mjs\n  - name: ./p/plain.mjs\n    options: 1\n');
  const problems = await problemsOf(t, async () => createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() }));
  t.deepEqual(problems.map((p) => p.path), ['plugins[1].name', 'plugins[2].options']);
  t.false((globalThis.__applied ?? []).includes('FineButNotApplied'));
});

test('a class plugin: static options, constructed with them, named by its instance or its class', async (t) => {
  const s = await Scratch.create(t);
  const joi = IMPORT_JOI;
  await s.write(
    'p/classy.mjs',
    `${joi}
export default class ClassyPlugin {
  static options = Joi.object({ greeting: Joi.string().default('hi') });
  constructor(options) { this.options = options; }
  apply(corral, options) { corral.hooks.started.tapPromise('ClassyPlugin', async () => { globalThis.__classy = [this.options, options]; }); }
}
`,
  );
  await s.write('p/named.mjs', 'export class plugin { name = "InstanceName"; apply() {} }\n');
  const user = await s.config('plugins:\n  - name: ./p/classy.mjs\n  - name: ./p/named.mjs\n');
  const corral = await createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() });
  t.deepEqual(corral.plugins.map((p) => p.name), ['ClassyPlugin', 'InstanceName']);
  await corral.hooks.started.promise();
  t.deepEqual((globalThis as unknown as { __classy: unknown }).__classy, [{ greeting: 'hi' }, { greeting: 'hi' }]);
});

test('a plugin declaring roles applies only in those roles', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/agent-only.mjs', 'export default { name: "AgentOnly", roles: ["agent"], apply(corral) { corral.hooks.shutdown.tapPromise("AgentOnly", async () => {}); } };\n');
  const user = await s.config('plugins:\n  - name: ./p/agent-only.mjs\n');
  const defaults = await s.defaults();
  const server = await createCorral({ role: 'server', configFile: user, defaultConfigFile: defaults });
  const agent = await createCorral({ role: 'agent', configFile: user, defaultConfigFile: defaults });
  const all = await createCorral({ role: 'all', configFile: user, defaultConfigFile: defaults });
  t.deepEqual(server.hooks.shutdown.taps.map((x) => x.name), []);
  t.deepEqual(agent.hooks.shutdown.taps.map((x) => x.name), ['AgentOnly']);
  t.deepEqual(all.hooks.shutdown.taps.map((x) => x.name), ['AgentOnly']);
  t.false(describeCorral(server).plugins[0]!.applied);
});

test('registrations that clash name both plugins', async (t) => {
  const s = await Scratch.create(t);
  const controller = (owner: string) =>
    `corral.hooks.registerControllers.tap(${JSON.stringify(owner)}, (r) => r.add({ name: 'replicaset', for: { apiVersion: 'apps/v1', kind: 'ReplicaSet' }, async reconcile() {} }));`;
  await s.write('p/one.mjs', pluginSource('WorkloadsOne', controller('WorkloadsOne')));
  await s.write('p/two.mjs', pluginSource('WorkloadsTwo', controller('WorkloadsTwo')));
  const user = await s.config('plugins:\n  - name: ./p/one.mjs\n  - name: ./p/two.mjs\n');
  const problems = await problemsOf(t, async () => createCorral({ role: 'server', configFile: user, defaultConfigFile: await s.defaults() }));
  t.deepEqual(problems.map((p) => [p.path, p.message]), [
    ['plugins[1].name', 'plugin "WorkloadsTwo": controller "replicaset" is already registered by "WorkloadsOne"'],
  ]);
});

test('a plugin that throws in a registration hook is named', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/reg.mjs', pluginSource('BadRegistrar', 'corral.hooks.registerResources.tap("BadRegistrar", () => { throw new Error("no schema"); });'));
  const user = await s.config('plugins:\n  - name: ./p/reg.mjs\n');
  const problems = await problemsOf(t, async () => createCorral({ role: 'server', configFile: user, defaultConfigFile: await s.defaults() }));
  t.deepEqual(problems.map((p) => [p.path, p.message]), [['plugins[0].name', 'plugin "BadRegistrar" threw in registerResources: no schema']]);
});

test('agent roles check that some plugin offers the configured runtime, pod network and data path', async (t) => {
  const s = await Scratch.create(t);
  await s.write('p/process.mjs', pluginSource('ProcessRuntime', 'corral.hooks.runtimeAdapter.for("process").tap("ProcessRuntime", () => ({ name: "process" }));'));
  const defaults = await s.defaults('plugins:\n  - name: ../p/process.mjs\n');
  const ok = await s.config('agent: { runtime: process }\n', 'ok.yaml');
  t.is((await createCorral({ role: 'agent', configFile: ok, defaultConfigFile: defaults })).config.agent.runtime, 'process');
  const bad = await s.config('agent:\n  runtime: docker\n  network: { pods: bridge }\n', 'bad.yaml');
  const problems = await problemsOf(t, () => createCorral({ role: 'all', configFile: bad, defaultConfigFile: defaults }));
  t.deepEqual(problems.map((p) => [p.file, p.path, p.line, p.message]), [
    [bad, 'agent.runtime', 4, 'no plugin offers the runtime "docker" (offered: process); add the plugin that does to `plugins`'],
    [bad, 'agent.network.pods', 5, 'no plugin offers the pod network "bridge" (offered: none); add the plugin that does to `plugins`'],
  ]);
  await t.notThrowsAsync(createCorral({ role: 'server', configFile: bad, defaultConfigFile: defaults }), 'servers run no runtime');
});
