import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { ProcessRuntime } from '../src/index.js';
import { readAll, removeCgroupTree, waitForExit } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'corral-process-restart-'));

test.after.always(async () => {
  const runtime = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });
  for (const sandbox of await runtime.listPodSandboxes()) await runtime.removePodSandbox(sandbox.id);
  await removeCgroupTree(runtime);
  await rm(dir, { recursive: true, force: true });
});

test('after the agent is killed with SIGKILL, a new adapter finds its pod running and the exit code of a container that ended meanwhile', async (t) => {
  const agentScript = fileURLToPath(new URL('./fixtures/agent.js', import.meta.url));
  const agent = spawn(process.execPath, [agentScript, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ids = await new Promise<{ sandbox: string; long: string; short: string }>((resolve, reject) => {
    let out = '';
    agent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out));
    });
    agent.on('exit', (code) => reject(new Error(`the stand-in agent exited with ${code} before reporting`)));
  });
  const died = new Promise((resolve) => agent.on('exit', resolve));
  agent.kill('SIGKILL');
  await died;
  // The short container ends (after 1 s) while no agent runs.
  await new Promise((r) => setTimeout(r, 2_000));

  const runtime = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });
  t.is((await runtime.podSandboxStatus(ids.sandbox))?.state, 'SANDBOX_READY');
  t.is((await runtime.containerStatus(ids.long))?.state, 'CONTAINER_RUNNING');
  const short = await waitForExit(runtime, ids.short);
  t.is(short.exitCode, 7);
  t.is(await readAll(runtime.logs(ids.short)), 'bye\n');
  t.is(await readAll(runtime.logs(ids.long)), 'started\n');

  // And it still controls what the dead agent started.
  await runtime.stopContainer(ids.long, 5);
  const long = await runtime.containerStatus(ids.long);
  t.is(long?.state, 'CONTAINER_EXITED');
  t.is(long?.exitCode, 143);
});
