import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ProcessRuntime } from '../src/index.js';
import { readAll, removeCgroupTree, sandboxConfig, shellContainer, waitForExit } from './helpers.js';

// The mount points the adapter makes on the host (a configMap volume at /app, say) go once no
// container that may still run needs them: when a pod's containers are stopped with the agent
// (`corral up` on Ctrl-C) as much as when they are removed. Needs root (mount namespaces).
const dir = await mkdtemp(join(tmpdir(), 'corral-process-mounts-'));
const runtime = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });
/** Outside the temp dir, as /app is: parents and mount points the adapter makes. */
const hostRoot = `/tmp/corral-mounts-${randomBytes(4).toString('hex')}`;

test.before(() => {
  if (process.getuid?.() !== 0) throw new Error('these tests need root (mount namespaces)');
});

test.after.always(async () => {
  for (const sandbox of await runtime.listPodSandboxes()) await runtime.removePodSandbox(sandbox.id);
  await removeCgroupTree(runtime);
  await rm(dir, { recursive: true, force: true });
  await rm(hostRoot, { recursive: true, force: true });
});

async function volume(name: string): Promise<string> {
  const path = join(dir, 'volumes', name);
  await mkdir(path, { recursive: true });
  await writeFile(join(path, 'server.mjs'), `// ${name}\n`);
  return path;
}

async function catIn(id: string, path: string): Promise<string> {
  const session = await runtime.exec(id, { command: ['/bin/sh', '-c', `cat ${path}`] });
  const out = readAll(session.stdout);
  await session.exitCode;
  return out;
}

test('stopping the pods leaves no mount point behind, and one pod ending keeps it for the others', async (t) => {
  const app = join(hostRoot, 'stop', 'srv', 'app');
  const mounts = (hostPath: string) => [{ containerPath: app, hostPath, readonly: true }];
  const pods = await Promise.all(
    ['frontend-a', 'frontend-b'].map(async (name) => {
      const config = sandboxConfig(dir, name);
      await mkdir(config.logDirectory, { recursive: true });
      const sandbox = await runtime.runPodSandbox(config);
      const id = await runtime.createContainer(sandbox, shellContainer('php-redis', 'sleep 60', { mounts: mounts(await volume(name)) }), config);
      await runtime.startContainer(id);
      return { sandbox, id };
    }),
  );
  t.true(existsSync(app), 'the mount point exists on the host while the pods run');
  t.is(await catIn(pods[1]!.id, join(app, 'server.mjs')), '// frontend-b\n');

  // The first pod stops (whichever made the mount point): the second still has its files there.
  await runtime.stopContainer(pods[0]!.id, 2);
  await runtime.stopPodSandbox(pods[0]!.sandbox);
  t.true(existsSync(app));
  t.is(await catIn(pods[1]!.id, join(app, 'server.mjs')), '// frontend-b\n');

  // The agent stops its pods as `corral up` does on Ctrl-C: containers and sandboxes stopped, not removed.
  await runtime.stopContainer(pods[1]!.id, 2);
  await runtime.stopPodSandbox(pods[1]!.sandbox);
  t.false(existsSync(app), 'the mount point is gone once no container runs');
  t.false(existsSync(join(hostRoot, 'stop')), 'and so are the parent directories the adapter made');
  t.is(await readFile(join(dir, 'volumes', 'frontend-a', 'server.mjs'), 'utf8'), '// frontend-a\n', 'the volume itself is untouched');
});

test('a container that ends on its own releases its mount point; one that starts again makes it again', async (t) => {
  const app = join(hostRoot, 'exit', 'app');
  const config = sandboxConfig(dir, 'short-lived');
  await mkdir(config.logDirectory, { recursive: true });
  const sandbox = await runtime.runPodSandbox(config);
  const spec = shellContainer('once', `cat ${app}/server.mjs`, { mounts: [{ containerPath: app, hostPath: await volume('short-lived') }] });
  const first = await runtime.createContainer(sandbox, spec, config);
  await runtime.startContainer(first);
  t.is((await waitForExit(runtime, first)).exitCode, 0);
  t.false(existsSync(app));
  t.is(await readAll(runtime.logs(first)), '// short-lived\n');

  const second = await runtime.createContainer(sandbox, { ...spec, logPath: 'once-1.log' }, config);
  t.true(existsSync(app), 'the next instance has its mount point');
  await runtime.startContainer(second);
  t.is((await waitForExit(runtime, second)).exitCode, 0);
  t.is(await readAll(runtime.logs(second)), '// short-lived\n');
  await runtime.removePodSandbox(sandbox);
  t.false(existsSync(join(hostRoot, 'exit')));
});

test('a new adapter instance releases what an earlier one made for containers that ended meanwhile', async (t) => {
  const app = join(hostRoot, 'adopt', 'app');
  const config = sandboxConfig(dir, 'adopted');
  await mkdir(config.logDirectory, { recursive: true });
  const sandbox = await runtime.runPodSandbox(config);
  const id = await runtime.createContainer(sandbox, shellContainer('app', 'sleep 60', { mounts: [{ containerPath: app, hostPath: await volume('adopted') }] }), config);
  await runtime.startContainer(id);
  t.true(existsSync(app));

  // The agent restarts (a new instance reads the records), then stops the pod.
  const restarted = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });
  t.is((await restarted.containerStatus(id))?.state, 'CONTAINER_RUNNING');
  t.true(existsSync(app));
  await restarted.stopContainer(id, 2);
  await restarted.stopPodSandbox(sandbox);
  t.false(existsSync(app));
  await restarted.removePodSandbox(sandbox);
});

test('a path that existed before is never removed', async (t) => {
  const app = join(hostRoot, 'kept');
  await mkdir(app, { recursive: true });
  const config = sandboxConfig(dir, 'existing');
  await mkdir(config.logDirectory, { recursive: true });
  const sandbox = await runtime.runPodSandbox(config);
  const id = await runtime.createContainer(sandbox, shellContainer('app', 'true', { mounts: [{ containerPath: app, hostPath: await volume('existing') }] }), config);
  await runtime.startContainer(id);
  await waitForExit(runtime, id);
  await runtime.removePodSandbox(sandbox);
  t.true(existsSync(app));
});
