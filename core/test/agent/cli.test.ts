// `corral agent` as a process: registers its node, runs pods with the runtime a plugin offers,
// stops on SIGTERM leaving the pods; a runtime nobody offers stops it with a clear message.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Node } from '../../src/api/index.js';
import { startTestApiServer } from '../../src/testing/index.js';
import { clientFor, createPod, pod, podUntil, waitFor } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const TESTING = pathToFileURL(fileURLToPath(new URL('../../src/testing/index.js', import.meta.url))).href;
const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, CORRAL_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return { child, output: () => out, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function scratch(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-agent-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('corral agent registers the node, runs a pod, and stops on SIGTERM', async (t) => {
  const dir = await scratch(t);
  const api = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => api.close());
  // A plugin file offering the in-memory runtime under the name "fake".
  await writeFile(
    join(dir, 'fake-runtime.mjs'),
    `import { FakeRuntime } from ${JSON.stringify(TESTING)};\nexport const plugin = { name: 'FakeRuntimePlugin', apply(corral) { corral.hooks.runtimeAdapter.for('fake').tap('FakeRuntimePlugin', () => new FakeRuntime()); } };\n`,
  );
  await writeFile(join(dir, 'corral.yaml'), 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins:\n  - name: ./fake-runtime.mjs\nagent:\n  runtime: fake\n  network: { pods: none, services: none }\n');
  const agent = run(['agent', '--config', join(dir, 'corral.yaml'), '--server', api.url, '--node-name', 'cli-node', '--root-dir', join(dir, 'agent'), '--port', '0', '--address', '127.0.0.1', '--node-ip', '127.0.0.1']);
  t.teardown(() => {
    if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
  });
  await waitFor('the agent to start', () => /Corral agent for node "cli-node" \(127\.0\.0\.1, port \d+\)/.test(agent.output()) || agent.child.exitCode !== null, 15_000);
  t.is(agent.child.exitCode, null, agent.output());
  const client = clientFor(api.url);
  t.teardown(() => client.close());
  const node = await waitFor('the node', () => client.get<Node>(NODES, 'cli-node'));
  t.regex(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^fake:\/\//);
  await createPod(client, pod('via-cli', { nodeName: 'cli-node', containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(client, 'via-cli', 'Running', (p) => p.status?.phase === 'Running');
  agent.child.kill('SIGTERM');
  t.is(await agent.exited, 0, agent.output());
  t.regex(agent.output(), /SIGTERM: stopping \(pods keep running\)/);
});

test('corral agent with a runtime no plugin offers exits 1 naming it', async (t) => {
  const dir = await scratch(t);
  const agent = run(['agent', '--server', 'http://127.0.0.1:1', '--runtime', 'nosuch', '--root-dir', join(dir, 'agent'), '--port', '0', '--address', '127.0.0.1']);
  t.teardown(() => {
    if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
  });
  t.is(await agent.exited, 1);
  t.regex(agent.output(), /no plugin offers the runtime "nosuch" \(offered: .*\); add its plugin/);
  t.notRegex(agent.output(), /\n\s+at /, 'no stack trace');
});
