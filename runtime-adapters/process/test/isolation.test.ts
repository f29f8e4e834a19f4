import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ProcessRuntime } from '../src/index.js';
import { alive, readAll, record, runToExit, sandboxConfig, removeCgroupTree, shellContainer } from './helpers.js';

// Needs root: pods in namespaces of their own, containers in cgroups and mount namespaces.
const dir = await mkdtemp(join(tmpdir(), 'corral-process-isolation-'));
const runtime = new ProcessRuntime({ nodeName: 'node-1', rootDir: dir });
const netns = `corral-test-${randomBytes(4).toString('hex')}`;

test.before(() => {
  if (process.getuid?.() !== 0) throw new Error('these tests need root (pod namespaces and cgroups)');
});

test.after.always(async () => {
  for (const sandbox of await runtime.listPodSandboxes()) await runtime.removePodSandbox(sandbox.id);
  if (existsSync(`/run/netns/${netns}`)) execFileSync('ip', ['netns', 'delete', netns]);
  await removeCgroupTree(runtime);
  await rm(dir, { recursive: true, force: true });
});

function links(output: string): string[] {
  return output.split('\n').filter(Boolean).map((l) => l.split(':')[1]!.trim().replace(/@.*$/, '')).sort();
}

test('a pod has its own network namespace (only lo, up) and hostname', async (t) => {
  const config = sandboxConfig(dir, 'isolated', { hostname: 'isolated-host' });
  const sandbox = await runtime.runPodSandbox(config);
  const { status, output } = await runToExit(runtime, sandbox, config, shellContainer('look', 'ip -o link; hostname; ip -o addr show lo | grep -c "127.0.0.1"'));
  t.is(status.exitCode, 0);
  const lines = output.trim().split('\n');
  t.deepEqual(links(lines.slice(0, -2).join('\n')), ['lo']);
  t.regex(lines[0]!, /UP|LOOPBACK,UP/);
  t.is(lines.at(-2), 'isolated-host');
  t.is(lines.at(-1), '1');
  t.true(links(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).length > 1, 'the host has more than lo, so the check means something');
});

test('a pod given netnsPath joins that network namespace', async (t) => {
  execFileSync('ip', ['netns', 'add', netns]);
  execFileSync('ip', ['-n', netns, 'link', 'add', 'corral-v0', 'type', 'veth', 'peer', 'name', 'corral-v1']);
  const config = sandboxConfig(dir, 'prepared', { netnsPath: `/run/netns/${netns}` });
  const sandbox = await runtime.runPodSandbox(config);
  const { output } = await runToExit(runtime, sandbox, config, shellContainer('look', 'ip -o link; hostname'));
  const lines = output.trim().split('\n');
  t.deepEqual(links(lines.slice(0, -1).join('\n')), ['corral-v0', 'corral-v1', 'lo']);
  t.is(lines.at(-1), 'prepared');
  await runtime.removePodSandbox(sandbox);
  t.true(existsSync(`/run/netns/${netns}`), 'the network adapter owns the namespace: removal leaves it');
});

test('a hostNetwork pod sees the host interfaces', async (t) => {
  const config = sandboxConfig(dir, 'hostnet', { hostNetwork: true });
  const sandbox = await runtime.runPodSandbox(config);
  // The namespace itself, not a list of links: other tests on the machine add and remove links.
  const { output } = await runToExit(runtime, sandbox, config, shellContainer('look', 'readlink /proc/self/ns/net'));
  t.is(output.trim(), readlinkSync('/proc/self/ns/net'));
});

test('exec joins the container namespaces, mounts and working directory', async (t) => {
  const volume = join(dir, 'exec-volume');
  await mkdir(volume, { recursive: true });
  await writeFile(join(volume, 'marker'), 'in-volume\n');
  const mountPath = `/tmp/corral-exec-${randomBytes(4).toString('hex')}`;
  const config = sandboxConfig(dir, 'execns', { hostname: 'exec-host' });
  await mkdir(config.logDirectory, { recursive: true });
  const sandbox = await runtime.runPodSandbox(config);
  const id = await runtime.createContainer(sandbox, shellContainer('target', 'sleep 60', { workingDir: mountPath, mounts: [{ containerPath: mountPath, hostPath: volume }] }), config);
  await runtime.startContainer(id);
  const session = await runtime.exec(id, { command: ['/bin/sh', '-c', 'hostname; pwd; cat marker; ip -o link | wc -l'] });
  const out = readAll(session.stdout);
  t.is(await session.exitCode, 0);
  t.is(await out, `exec-host\n${mountPath}\nin-volume\n1\n`);
  await runtime.removePodSandbox(sandbox);
  t.false(existsSync(mountPath), 'the mount point the adapter made is gone with the container');
});

test('a readonly mount cannot be written, and the bind is seen only inside the container', async (t) => {
  const volume = join(dir, 'ro-volume');
  await mkdir(volume, { recursive: true });
  await writeFile(join(volume, 'data'), 'kept\n');
  const mountPath = `/tmp/corral-ro-${randomBytes(4).toString('hex')}`;
  const config = sandboxConfig(dir, 'readonly');
  const sandbox = await runtime.runPodSandbox(config);
  const spec = shellContainer('ro', `cat ${mountPath}/data; echo changed > ${mountPath}/data && exit 0; ls ${mountPath}/data >/dev/null || exit 2; exit 9`, {
    mounts: [{ containerPath: mountPath, hostPath: volume, readonly: true }],
  });
  const { status, output } = await runToExit(runtime, sandbox, config, spec);
  t.is(status.exitCode, 9, output);
  // stdout and stderr are separate pipes: their order in the log is not fixed.
  t.true(output.split('\n').includes('kept'), output);
  t.regex(output, /Read-only file system/);
  t.false(existsSync(mountPath), 'the mount point the adapter made goes once the container ended');
  t.deepEqual(await readdir(volume), ['data'], 'the bind was the container\'s alone: the volume kept its content');
  await runtime.removePodSandbox(sandbox);
});

test('removing a pod leaves no process, cgroup, mount point or state behind', async (t) => {
  const volume = join(dir, 'volume');
  await mkdir(volume, { recursive: true });
  const mountPath = `/tmp/corral-leftover-${randomBytes(4).toString('hex')}`;
  const config = sandboxConfig(dir, 'leftovers');
  await mkdir(config.logDirectory, { recursive: true });
  const sandbox = await runtime.runPodSandbox(config);
  const spec = shellContainer('busy', 'sleep 300 & sleep 300', { mounts: [{ containerPath: mountPath, hostPath: volume }], resources: { memoryLimitBytes: 256 * 1024 * 1024 } });
  const id = await runtime.createContainer(sandbox, spec, config);
  await runtime.startContainer(id);
  // A process that left the container's process group must still go, through its cgroup.
  const escaped = await runtime.exec(id, { command: ['/bin/sh', '-c', 'setsid sleep 300 >/dev/null 2>&1 < /dev/null & echo $!'] });
  const escapedPid = Number((await readAll(escaped.stdout)).trim());
  await escaped.exitCode;
  const sandboxRecord = await record(dir, 'sandboxes', sandbox);
  const containerRecord = await record(dir, 'containers', id);
  const pids: number[] = [sandboxRecord.holder.pid, containerRecord.shim.pid, containerRecord.main.pid];
  t.true(pids.every(alive), 'holder, shim and container run');
  t.true(existsSync(mountPath));
  t.true(containerRecord.cgroups.length > 0 && containerRecord.cgroups.every((d: string) => existsSync(d)));

  await runtime.removePodSandbox(sandbox);
  t.deepEqual(pids.filter(alive), [], 'no process of the pod is left');
  await new Promise((r) => setTimeout(r, 100));
  t.false(alive(escapedPid), 'the process that left the group was killed through the cgroup');
  t.deepEqual(containerRecord.cgroups.filter((d: string) => existsSync(d)), []);
  t.false(containerRecord.cgroups.some((d: string) => existsSync(join(d, '..'))), 'the pod cgroup is gone too');
  t.false(existsSync(mountPath));
  t.false(existsSync(join(dir, 'runtime-process', 'sandboxes', sandbox)));
  t.false(existsSync(join(dir, 'runtime-process', 'containers', id)));
});

