import test from 'ava';
import { createCorral, describeCorral } from '../../src/kernel/index.js';
import { Scratch, pluginSource, problemsOf } from './helpers.js';

declare global {
  // Filled when a test plugin's module is evaluated: which modules a process imported.
  var __imported: string[] | undefined;
}

/** A package in the scratch dir's node_modules whose module records that it was imported. */
async function writePackage(s: Scratch, pkg: string, manifest: unknown, codeRoles?: string[]): Promise<void> {
  await s.write(`node_modules/${pkg}/package.json`, JSON.stringify({ name: pkg, type: 'module', main: 'index.js', ...(manifest === undefined ? {} : { corral: manifest }) }));
  const plugin = pluginSource(pkg, '', `(globalThis.__imported ??= []).push(${JSON.stringify(pkg)});`);
  await s.write(`node_modules/${pkg}/index.js`, codeRoles ? plugin.replace('apply(corral', `roles: ${JSON.stringify(codeRoles)},\n  apply(corral`) : plugin);
}

test('a plugin whose package.json declares other roles is never imported, yet listed', async (t) => {
  const s = await Scratch.create(t);
  const pkg = `server-only-${process.pid}-${Date.now()}`;
  await writePackage(s, pkg, { roles: ['server'] });
  const user = await s.config(`plugins:\n  - name: ${pkg}\n    options: { any: thing }\n`);
  const defaults = await s.defaults();
  const agent = await createCorral({ role: 'agent', configFile: user, defaultConfigFile: defaults });
  t.false((globalThis.__imported ?? []).includes(pkg));
  t.deepEqual(agent.plugins.map((p) => p.entry), []);
  const report = describeCorral(agent).plugins.find((p) => p.entry === pkg)!;
  t.like(report, { loaded: false, applied: false, roles: ['server'] });
  // The server imports it and checks its options: this plugin takes none.
  const problems = await problemsOf(t, () => createCorral({ role: 'server', configFile: user, defaultConfigFile: defaults }));
  t.true((globalThis.__imported ?? []).includes(pkg));
  t.deepEqual(problems.map((p) => p.message), [`plugin "${pkg}" takes no options`]);
});

test('a plugin declaring the role of the process, or none, is imported and applied', async (t) => {
  const s = await Scratch.create(t);
  const agentPkg = `agent-pkg-${process.pid}-${Date.now()}`;
  const plainPkg = `plain-pkg-${process.pid}-${Date.now()}`;
  await writePackage(s, agentPkg, { roles: ['agent'] });
  await writePackage(s, plainPkg, undefined);
  const user = await s.config(`plugins:\n  - name: ${agentPkg}\n  - name: ${plainPkg}\n`);
  const all = await createCorral({ role: 'all', configFile: user, defaultConfigFile: await s.defaults() });
  t.deepEqual(all.plugins.map((p) => [p.entry, p.roles]), [[agentPkg, ['agent']], [plainPkg, undefined]]);
  t.deepEqual(all.skippedPlugins, []);
  t.true(describeCorral(all).plugins.every((p) => p.loaded && p.applied));
});

test('an unknown plugin fails in every role, and so does a malformed or contradicting manifest', async (t) => {
  const s = await Scratch.create(t);
  const bad = `bad-manifest-${process.pid}-${Date.now()}`;
  const contradicting = `contradicting-${process.pid}-${Date.now()}`;
  await writePackage(s, bad, { roles: ['everywhere'] });
  await writePackage(s, contradicting, { roles: ['agent'] }, ['server']);
  const user = await s.config(`plugins:\n  - name: nope-${process.pid}\n  - name: ${bad}\n  - name: ${contradicting}\n`);
  const defaults = await s.defaults();
  for (const role of ['agent', 'server'] as const) {
    const problems = await problemsOf(t, () => createCorral({ role, configFile: user, defaultConfigFile: defaults }));
    t.regex(problems[0]!.message, new RegExp(`^unknown plugin "nope-${process.pid}"`), role);
    t.regex(problems[1]!.message, /"corral" must be an object whose "roles" \(when given\) lists some of server, agent, all$/, role);
    if (role === 'agent') {
      t.is(problems[2]!.message, `plugin "${contradicting}": its package.json declares roles agent but the plugin declares server, so it does nothing in agent; make them agree`);
    } else {
      // The server skips it on its package.json's word, without importing the code.
      t.is(problems.length, 2);
    }
  }
});
