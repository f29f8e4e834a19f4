import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readlink, rm, stat } from 'node:fs/promises';
import { readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import type { ContainerConfig, PodSandboxConfig } from '@corral/core';
import { DOCKER_LABELS, DockerRuntime } from '../src/index.js';
import { BUSYBOX_IMAGE, buildBusyboxImage, startDockerd, type DockerdProcess } from '../src/testing/index.js';

// What is particular to Docker: the pause container and its namespaces, joining a prepared
// network namespace, host networking, Kubernetes' command/args rule, what Corral writes into
// Docker (labels, limits, log driver, restart policy), and pull failures.

let daemon: DockerdProcess | undefined;
let runtime: DockerRuntime;
let logRoot: string;
/** A pause image like Kubernetes': it can sleep and nothing else (no nsenter, no shell). */
const BARE_PAUSE = 'corral-test/pause:1';

test.before(async () => {
  daemon = await startDockerd();
  await buildBusyboxImage(daemon.docker);
  await buildBusyboxImage(daemon.docker, { tag: BARE_PAUSE, applets: ['sleep'] });
  runtime = new DockerRuntime({ socket: daemon.host, pauseImage: BUSYBOX_IMAGE, pauseCommand: ['sleep', '2147483647'] });
  logRoot = await mkdtemp(join(tmpdir(), 'corral-docker-logs-'));
});

test.after.always(async () => {
  await daemon?.stop();
  if (logRoot) await rm(logRoot, { recursive: true, force: true });
});

function sandboxConfig(name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return {
    uid: randomUUID(),
    name,
    namespace: 'docker-test',
    hostname: name,
    labels: { app: name },
    annotations: { note: 'kept' },
    logDirectory: join(logRoot, name),
    portMappings: [],
    ...extra,
  };
}

function containerConfig(name: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name, image: BUSYBOX_IMAGE, command: ['sh', '-c', 'sleep 60'], args: [], env: [], mounts: [], labels: {}, annotations: {}, logPath: `${name}_0.log`, ...extra };
}

async function sandbox(t: ExecutionContext, config: PodSandboxConfig): Promise<string> {
  const id = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(id));
  return id;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

async function run(id: string, command: string[]): Promise<{ code: number; out: string }> {
  const session = await runtime.exec(id, { command });
  const out = readAll(session.stdout);
  await readAll(session.stderr);
  return { code: await session.exitCode, out: await out };
}

async function exitOf(id: string): Promise<number | undefined> {
  for (let i = 0; i < 300; i++) {
    const status = await runtime.containerStatus(id);
    if (status?.state === 'CONTAINER_EXITED') return status.exitCode;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`container ${id} did not exit`);
}

test('the pod\'s containers share the pause container\'s network, IPC and hostname', async (t) => {
  const config = sandboxConfig('shared-ns');
  const id = await sandbox(t, config);
  const status = await runtime.podSandboxStatus(id);
  t.regex(status?.netnsPath ?? '', /^\/proc\/\d+\/ns\/net$/);
  const pausePid = /\/proc\/(\d+)\//.exec(status!.netnsPath!)![1];
  const c = await runtime.createContainer(id, containerConfig('app'), config);
  await runtime.startContainer(c);
  const seen = await run(c, ['sh', '-c', 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; hostname']);
  t.is(seen.code, 0);
  t.deepEqual(seen.out.trim().split('\n'), [await readlink(status!.netnsPath!), await readlink(`/proc/${pausePid}/ns/ipc`), 'shared-ns']);
});

/** A named network namespace holding one addressed interface, deleted after the test. */
function preparedNetns(t: ExecutionContext, address: string): string {
  const netns = `corral-dkt-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', netns]);
  t.teardown(() => execFileSync('ip', ['netns', 'del', netns]));
  execFileSync('ip', ['-n', netns, 'link', 'add', 'pod0', 'type', 'veth', 'peer', 'name', 'pod1']);
  execFileSync('ip', ['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'pod0']);
  execFileSync('ip', ['-n', netns, 'link', 'set', 'pod0', 'up']);
  return `/run/netns/${netns}`;
}

test('a network namespace handed in is the one the pod\'s containers use, whatever the pause image', async (t) => {
  const netnsPath = preparedNetns(t, '10.251.7.2');
  // The node's static busybox enters the namespace: the pause image needs no nsenter.
  const bare = new DockerRuntime({ socket: daemon!.host, pauseImage: BARE_PAUSE, pauseCommand: ['sleep', '2147483647'] });
  const config = sandboxConfig('given-netns', { netnsPath, ip: '10.251.7.2' });
  const id = await bare.runPodSandbox(config);
  t.teardown(() => bare.removePodSandbox(id));
  const status = await bare.podSandboxStatus(id);
  t.is(status?.ip, '10.251.7.2');
  // The pause process sits in the given namespace: the same nsfs inode.
  t.is((await stat(status!.netnsPath!)).ino, (await stat(netnsPath)).ino);
  const c = await bare.createContainer(id, containerConfig('app'), config);
  await bare.startContainer(c);
  const seen = await run(c, ['sh', '-c', 'ip -4 addr show pod0; hostname']);
  t.is(seen.code, 0);
  t.regex(seen.out, /inet 10\.251\.7\.2\/24/);
  t.regex(seen.out, /given-netns/);
});

test('without the node helper, joining a namespace needs nsenter in the pause image, and says so', async (t) => {
  const netnsPath = preparedNetns(t, '10.251.8.2');
  const own = new DockerRuntime({ socket: daemon!.host, pauseImage: BUSYBOX_IMAGE, pauseCommand: ['sleep', '2147483647'], netnsHelper: '' });
  const config = sandboxConfig('own-nsenter', { netnsPath });
  const id = await own.runPodSandbox(config);
  t.teardown(() => own.removePodSandbox(id));
  t.is((await stat((await own.podSandboxStatus(id))!.netnsPath!)).ino, (await stat(netnsPath)).ino);

  const bare = new DockerRuntime({ socket: daemon!.host, pauseImage: BARE_PAUSE, pauseCommand: ['sleep', '2147483647'], netnsHelper: '' });
  const err = await t.throwsAsync(bare.runPodSandbox(sandboxConfig('no-nsenter', { netnsPath })));
  t.regex(err!.message, /run the sandbox of pod docker-test\/no-nsenter/);
  t.regex(err!.message, /nsenter/);
  t.deepEqual(await bare.listPodSandboxes({ labels: { app: 'no-nsenter' } }), [], 'a sandbox that failed to start is removed');

  const missing = new DockerRuntime({ socket: daemon!.host, pauseImage: BARE_PAUSE, pauseCommand: ['sleep', '1'], netnsHelper: '/nonexistent/busybox' });
  const noHelper = await t.throwsAsync(missing.runPodSandbox(sandboxConfig('no-helper', { netnsPath })));
  t.regex(noHelper!.message, /static busybox at \/nonexistent\/busybox/);
  t.regex(noHelper!.message, /busybox-static/);
});

test('hostNetwork pods use the node\'s network', async (t) => {
  const config = sandboxConfig('host-net', { hostNetwork: true });
  const id = await sandbox(t, config);
  t.is((await runtime.podSandboxStatus(id))?.netnsPath, undefined);
  const c = await runtime.createContainer(id, containerConfig('app'), config);
  await runtime.startContainer(c);
  const seen = await run(c, ['readlink', '/proc/self/ns/net']);
  t.is(seen.out.trim(), readlinkSync('/proc/self/ns/net'));
});

const POD_DNS = { servers: ['10.96.0.10'], searches: ['dns-test.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] };

for (const hostNetwork of [false, true]) {
  test(`the pod's DNS settings are every container's resolv.conf (hostNetwork: ${hostNetwork})`, async (t) => {
    const config = sandboxConfig(`dns-${hostNetwork ? 'host' : 'pod'}`, { hostNetwork, dns: POD_DNS });
    const id = await sandbox(t, config);
    const c = await runtime.createContainer(id, containerConfig('app'), config);
    await runtime.startContainer(c);
    const seen = await run(c, ['cat', '/etc/resolv.conf']);
    const lines = seen.out.split('\n').filter((l) => /^(nameserver|search|options)\b/.test(l));
    t.deepEqual(lines.sort(), ['nameserver 10.96.0.10', 'options ndots:5', 'search dns-test.svc.cluster.local svc.cluster.local cluster.local'], seen.out);
  });
}

test('command replaces the image\'s ENTRYPOINT and args its CMD, as in Kubernetes', async (t) => {
  const config = sandboxConfig('cmd-args');
  const id = await sandbox(t, config);
  // The image's CMD is `sh`: with a command alone it must not be appended.
  const commandOnly = await runtime.createContainer(id, containerConfig('command-only', { command: ['echo', 'from-command'] }), config);
  const argsOnly = await runtime.createContainer(id, containerConfig('args-only', { command: [], args: ['echo', 'from-args'] }), config);
  const both = await runtime.createContainer(id, containerConfig('both', { command: ['echo'], args: ['a', 'b'] }), config);
  for (const c of [commandOnly, argsOnly, both]) await runtime.startContainer(c);
  for (const c of [commandOnly, argsOnly, both]) t.is(await exitOf(c), 0);
  t.is(await readAll(runtime.logs(commandOnly)), 'from-command\n');
  t.is(await readAll(runtime.logs(argsOnly)), 'from-args\n');
  t.is(await readAll(runtime.logs(both)), 'a b\n');
});

test('Docker holds what Corral needs: labels, limits, json-file logs linked into the pod log dir, no restarts', async (t) => {
  const config = sandboxConfig('written');
  const id = await sandbox(t, config);
  const c = await runtime.createContainer(
    id,
    containerConfig('limited', { labels: { tier: 'web' }, resources: { cpuLimitMillis: 500, memoryLimitBytes: 64 * 1024 * 1024, cpuRequestMillis: 250, pidsLimit: 100 } }),
    config,
  );
  await runtime.startContainer(c);
  const info = await daemon!.docker.getContainer(c).inspect();
  const labels = info.Config.Labels;
  t.is(labels[DOCKER_LABELS.podUid], config.uid);
  t.is(labels[DOCKER_LABELS.podNamespace], 'docker-test');
  t.is(labels[DOCKER_LABELS.podName], 'written');
  t.is(labels[DOCKER_LABELS.containerName], 'limited');
  t.is(labels[DOCKER_LABELS.sandboxId], id);
  t.is(labels[DOCKER_LABELS.kind], 'container');
  t.is(labels.tier, 'web');
  t.is(info.HostConfig.NanoCpus, 500_000_000);
  t.is(info.HostConfig.Memory, 64 * 1024 * 1024);
  t.is(info.HostConfig.CpuShares, 256);
  t.is(info.HostConfig.PidsLimit, 100);
  t.is(info.HostConfig.RestartPolicy?.Name, 'no');
  t.is(info.HostConfig.LogConfig?.Type, 'json-file');
  t.is(info.HostConfig.NetworkMode, `container:${id}`);
  t.is(readlinkSync(join(config.logDirectory, 'limited_0.log')), info.LogPath);
  const pause = await daemon!.docker.getContainer(id).inspect();
  t.is(pause.Config.Labels[DOCKER_LABELS.kind], 'sandbox');
  t.is(pause.Config.Labels.app, 'written');
  // Corral's own keys stay out of what the contract reports.
  t.deepEqual((await runtime.containerStatus(c))?.labels, { tier: 'web' });
  t.deepEqual((await runtime.podSandboxStatus(id))?.labels, { app: 'written' });
  await runtime.removeContainer(c);
  t.throws(() => readlinkSync(join(config.logDirectory, 'limited_0.log')), { code: 'ENOENT' });
});

test('pulling an image no registry can serve fails, naming the image and the registry problem', async (t) => {
  const image = '127.0.0.1:1/corral/absent:1';
  const err = await t.throwsAsync(runtime.pullImage(image));
  t.true(err!.message.includes(`cannot pull image "${image}"`), err!.message);
  t.regex(err!.message, /registry/);
  t.is(await runtime.imageStatus(image), undefined);
  const config = sandboxConfig('no-image');
  const id = await sandbox(t, config);
  const create = await t.throwsAsync(runtime.createContainer(id, containerConfig('app', { image }), config));
  t.true(create!.message.includes(`cannot pull image "${image}"`), create!.message);
});

test('runPodSandbox is idempotent for a pod whose sandbox runs', async (t) => {
  const config = sandboxConfig('again');
  const first = await sandbox(t, config);
  t.is(await runtime.runPodSandbox(config), first);
  await runtime.stopPodSandbox(first);
  const second = await sandbox(t, config);
  t.not(second, first);
});

test('a TTY: exec resizes it, and a TTY container\'s log is its raw output', async (t) => {
  const config = sandboxConfig('tty');
  const id = await sandbox(t, config);
  const c = await runtime.createContainer(id, containerConfig('term', { command: ['sh', '-c', 'echo on-a-tty; sleep 60'], tty: true, stdin: true }), config);
  await runtime.startContainer(c);
  const session = await runtime.exec(c, {
    command: ['sh', '-c', 'for i in $(seq 100); do [ "$(stty size)" = "30 100" ] && echo resized && exit 0; sleep 0.05; done; exit 1'],
    tty: true,
    stdin: true,
  });
  const out = readAll(session.stdout);
  t.truthy(session.resize);
  session.resize!(100, 30);
  t.is(await session.exitCode, 0);
  t.regex(await out, /resized/);
  for (let i = 0; i < 100 && !(await readAll(runtime.logs(c))).includes('on-a-tty'); i++) await new Promise((r) => setTimeout(r, 50));
  t.is(await readAll(runtime.logs(c)), 'on-a-tty\r\n');
});
