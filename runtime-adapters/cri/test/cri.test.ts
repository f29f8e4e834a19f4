import test from 'ava';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriClient, CriError, CriRuntime } from '../src/index.js';
import { mountsUnder, startContainerd, type ContainerdProcess } from '../src/testing/index.js';
import { containerConfig, readAll, sandboxConfig, waitFor, waitForExit } from './helpers.js';

// What the cri adapter does beyond the shared contract suite: the pod network CRI sets up
// through CNI, Corral's ownership labels, sandbox attempts, long log lines, TTY exec.

let containerd: ContainerdProcess;
let runtime: CriRuntime;
const base = mkdtempSync(join(tmpdir(), 'corral-cri-test-'));

test.before(async () => {
  containerd = await startContainerd();
  runtime = new CriRuntime({ endpoint: containerd.endpoint, nodeName: 'node-a', cgroupParent: containerd.cgroupParent });
});

test.after.always(async () => {
  await runtime?.close();
  rmSync(base, { recursive: true, force: true });
  if (!containerd) return;
  const { dir, bridge } = containerd;
  const leftover = await containerd.stop();
  const problems = [
    leftover.length > 0 ? `shims outlived containerd's pods: ${leftover.join(', ')}` : '',
    mountsUnder(dir).length > 0 ? `mounts left under ${dir}: ${mountsUnder(dir).join(', ')}` : '',
    await linkPresent(bridge) ? `the bridge ${bridge} is still there` : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join('; '));
});

async function linkPresent(name: string): Promise<boolean> {
  try {
    statSync(`/sys/class/net/${name}`);
    return true;
  } catch {
    return false;
  }
}

function ipInSubnet(ip: string, subnet: string): boolean {
  const [net, bits] = subnet.split('/') as [string, string];
  const toInt = (a: string) => a.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const mask = 2 ** 32 - 2 ** (32 - Number(bits));
  return (toInt(ip) & mask) >>> 0 === (toInt(net) & mask) >>> 0;
}

/** What the pod's server answered; a SYN or answer lost on the way fails this try after 2 s. */
function fetchTcp(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    socket.setEncoding('utf8');
    socket.setTimeout(2000, () => socket.destroy(new Error(`no answer from ${host}:${port} within 2 s`)));
    socket.on('data', (d: string) => (data += d));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

/** The container's state, its output and the host's view of the path, for a failed wait. */
async function podNetworkReport(containerId: string, ip: string): Promise<string> {
  const status = await runtime.containerStatus(containerId).catch((err: Error) => err.message);
  const logs = await readAll(runtime.logs(containerId)).catch((err: Error) => err.message);
  const route = await run('ip', ['route', 'get', ip]);
  const neighbour = await run('ip', ['neigh', 'show', ip]);
  return [`container: ${JSON.stringify(status)}`, `logs: ${logs}`, `route: ${route}`, `neighbour: ${neighbour}`].join('\n');
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => execFile(cmd, args, (err, stdout, stderr) => resolve(err ? `${err.message} ${stderr}` : stdout.trim())));
}

test('CRI gives the pod an IP on its CNI bridge, and the host reaches it there', async (t) => {
  const config = sandboxConfig(base, 'network');
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const status = await runtime.podSandboxStatus(sandbox);
  t.truthy(status?.ip);
  t.true(ipInSubnet(status!.ip!, containerd.subnet), `${status?.ip} is in ${containerd.subnet}`);
  t.not(status!.ip, containerd.gateway);

  const server = await runtime.createContainer(sandbox, containerConfig('server', containerd.image, 'while true; do echo hello-from-pod | nc -l -p 8080; done'), config);
  await runtime.startContainer(server);
  let lastError = '';
  const answer = await waitFor(
    () => fetchTcp(status!.ip!, 8080).catch((err: Error) => void (lastError = err.message)),
    `the pod to listen on ${status!.ip}:8080`,
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}; last try: ${lastError}\n${await podNetworkReport(server, status!.ip!)}`);
  });
  t.is(answer, 'hello-from-pod\n');
  t.deepEqual((await runtime.listPodSandboxes({ id: sandbox }))[0]?.ip, status!.ip, 'listing carries the IP too');
});

test('a new sandbox for the same pod takes the next attempt while the old one is kept', async (t) => {
  const config = sandboxConfig(base, 'again');
  const first = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(first));
  await runtime.stopPodSandbox(first);
  const second = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(second));
  t.not(second, first);
  const mine = await runtime.listPodSandboxes({ labels: { test: 'again' } });
  t.deepEqual(mine.map((s) => [s.id, s.state]).sort(), [[first, 'SANDBOX_NOTREADY'], [second, 'SANDBOX_READY']].sort());
});

test('only sandboxes this node made through Corral are listed, with the labels they were given', async (t) => {
  const config = sandboxConfig(base, 'owned', { labels: { app: 'owned' } });
  const ours = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(ours));
  // A pod someone else made on the same containerd (kubelet, crictl): not Corral's.
  const client = new CriClient(containerd.endpoint);
  t.teardown(() => client.close());
  const { pod_sandbox_id: foreign } = await client.runtime('RunPodSandbox', {
    config: { metadata: { name: 'foreign', uid: 'foreign-uid', namespace: 'other', attempt: 0 }, hostname: 'foreign', log_directory: join(base, 'foreign'), port_mappings: [], labels: { app: 'owned' }, annotations: {} },
  });
  t.teardown(() => client.runtime('RemovePodSandbox', { pod_sandbox_id: foreign }).then(() => undefined));

  const listed = await runtime.listPodSandboxes({ labels: { app: 'owned' } });
  t.deepEqual(listed.map((s) => s.id), [ours]);
  t.deepEqual(listed[0]?.labels, { app: 'owned' });
  const otherNode = new CriRuntime({ endpoint: containerd.endpoint, nodeName: 'node-b' });
  t.teardown(() => otherNode.close());
  t.deepEqual(await otherNode.listPodSandboxes({ labels: { app: 'owned' } }), []);
  // Asked by id, a sandbox is reported whoever made it.
  t.is((await runtime.podSandboxStatus(foreign))?.name, 'foreign');
});

test('a line longer than the runtime\'s record limit comes back whole', async (t) => {
  const config = sandboxConfig(base, 'long-line');
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const id = await runtime.createContainer(sandbox, containerConfig('long', containerd.image, 'head -c 40000 /dev/zero | tr "\\0" a; echo; echo after'), config);
  await runtime.startContainer(id);
  await waitForExit(runtime, id);
  t.is(await readAll(runtime.logs(id)), `${'a'.repeat(40_000)}\nafter\n`);
});

test('follow with a tail shows the last lines, then new ones until the container exits', async (t) => {
  const config = sandboxConfig(base, 'follow');
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const id = await runtime.createContainer(sandbox, containerConfig('counter', containerd.image, 'for i in 1 2 3 4 5; do echo $i; done; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo 6; exit 4'), config);
  await runtime.startContainer(id);
  await waitFor(async () => (await readAll(runtime.logs(id))).includes('5\n'), 'the first lines');
  const stream = runtime.logs(id, { follow: true, tailLines: 2 });
  let seen = '';
  stream.on('data', (chunk: Buffer) => (seen += chunk.toString()));
  const ended = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
  // Only once the tail is out may the container write more, or the tail would include it.
  await waitFor(async () => seen.includes('5\n'), 'the tail');
  const exec = await runtime.execSync(id, ['touch', '/tmp/go']);
  t.is(exec.exitCode, 0);
  await ended;
  t.is(seen, '4\n5\n6\n');
  t.is((await runtime.containerStatus(id))?.exitCode, 4);
});

test('exec with a TTY: the terminal takes its size, and a shell reads commands from stdin', async (t) => {
  const config = sandboxConfig(base, 'tty');
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const id = await runtime.createContainer(sandbox, containerConfig('target', containerd.image, 'sleep 60'), config);
  await runtime.startContainer(id);

  const shell = await runtime.exec(id, { command: ['/bin/sh'], stdin: true, tty: true });
  const output = readAll(shell.stdout);
  shell.resize?.(123, 45);
  // The resize travels on its own channel: the shell may read its first line before it lands.
  shell.stdin?.write('for i in 1 2 3 4 5 6 7 8 9 10; do s=$(stty size 2>/dev/null); [ "$s" = "45 123" ] && break; sleep 0.2; done; echo "size=$s"; echo "sum=$((40+2))"; exit 5\n');
  t.is(await shell.exitCode, 5);
  const text = await output;
  t.regex(text, /size=45 123/);
  t.regex(text, /sum=42/);
});

test('exec streams large output and large input, with stdin closed at its end', async (t) => {
  const config = sandboxConfig(base, 'exec-big');
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const id = await runtime.createContainer(sandbox, containerConfig('target', containerd.image, 'sleep 60'), config);
  await runtime.startContainer(id);

  const big = await runtime.exec(id, { command: ['/bin/sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" x; echo done >&2'] });
  const [out, err] = await Promise.all([readAll(big.stdout), readAll(big.stderr)]);
  t.is(await big.exitCode, 0);
  t.is(out.length, 3_000_000);
  t.true(/^x+$/.test(out));
  t.is(err, 'done\n');

  const counter = await runtime.exec(id, { command: ['/bin/sh', '-c', 'wc -c'], stdin: true });
  const counted = readAll(counter.stdout);
  const input = Buffer.alloc(500_000, 'y');
  counter.stdin?.write(input.subarray(0, 200_000));
  counter.stdin?.end(input.subarray(200_000));
  t.is(await counter.exitCode, 0);
  t.is((await counted).trim(), '500000');
});

test('execSync returns the output and exit code in one call; a missing command is an error', async (t) => {
  const config = sandboxConfig(base, 'execsync');
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const id = await runtime.createContainer(sandbox, containerConfig('target', containerd.image, 'sleep 60'), config);
  await runtime.startContainer(id);
  const result = await runtime.execSync(id, ['/bin/sh', '-c', 'echo out; echo err >&2; exit 9'], 10);
  t.is(result.exitCode, 9);
  t.is(result.stdout.toString(), 'out\n');
  t.is(result.stderr.toString(), 'err\n');

  const missing = await runtime.exec(id, { command: ['/no/such/command'] });
  missing.stdout.resume();
  missing.stderr.resume();
  const err = await t.throwsAsync(missing.exitCode);
  t.true(err!.message.startsWith(`exec ["/no/such/command"] in container ${id}`), err!.message);
  t.regex(err!.message, /no such file or directory/);
});

test('images: a present one is found without a pull, a missing one is undefined, a failed pull names the image', async (t) => {
  const present = await runtime.imageStatus(containerd.image);
  t.truthy(present);
  t.regex(present!.ref, /^sha256:[0-9a-f]{64}$/);
  t.true((present!.size ?? 0) > 1_000_000, 'the size of busybox');
  t.is(await runtime.pullImage(containerd.image), present!.ref);
  t.is(await runtime.imageStatus('corral.test/not-here:1'), undefined);
  // A registry on a closed loopback port: the pull fails at once, without leaving the machine.
  const err = await t.throwsAsync(runtime.pullImage('127.0.0.1:1/not-here:1'), { instanceOf: CriError });
  t.regex(err!.message, /PullImage.*127\.0\.0\.1:1\/not-here:1/);
});

test('a hostNetwork pod has no pod IP and listens on the node\'s own addresses', async (t) => {
  const config = sandboxConfig(base, 'host-net', { hostNetwork: true });
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  t.is((await runtime.podSandboxStatus(sandbox))?.ip, undefined);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const id = await runtime.createContainer(sandbox, containerConfig('server', containerd.image, `while true; do echo on-the-host | nc -l -p ${port}; done`), config);
  await runtime.startContainer(id);
  t.is(await waitFor(() => fetchTcp('127.0.0.1', port).catch(() => undefined), `the pod to listen on 127.0.0.1:${port}`), 'on-the-host\n');
});

test('limits become the container\'s cgroup settings, and its process is its own PID 1', async (t) => {
  const config = sandboxConfig(base, 'limits');
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const resources = { cpuLimitMillis: 500, cpuRequestMillis: 250, memoryLimitBytes: 64 * 1024 * 1024 };
  const id = await runtime.createContainer(sandbox, containerConfig('limited', containerd.image, 'echo "pid=$$"; sleep 60', { resources }), config);
  await runtime.startContainer(id);
  const read = async (file: string) => (await runtime.execSync(id, ['cat', file], 10)).stdout.toString().trim();
  t.is(await read('/sys/fs/cgroup/memory/memory.limit_in_bytes'), String(64 * 1024 * 1024));
  t.is(await read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'), '50000');
  t.is(await read('/sys/fs/cgroup/cpu/cpu.cfs_period_us'), '100000');
  t.is(await read('/sys/fs/cgroup/cpu/cpu.shares'), '256');
  await waitFor(async () => (await readAll(runtime.logs(id))).includes('pid='), 'the container to log');
  t.is(await readAll(runtime.logs(id)), 'pid=1\n');
});

test('the pod\'s DNS settings are its containers\' resolv.conf', async (t) => {
  const dns = { servers: ['10.96.0.10'], searches: ['cri-test.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] };
  const config = sandboxConfig(base, 'dns', { dns });
  const sandbox = await runtime.runPodSandbox(config);
  t.teardown(() => runtime.removePodSandbox(sandbox));
  const id = await runtime.createContainer(sandbox, containerConfig('cat', containerd.image, 'cat /etc/resolv.conf'), config);
  await runtime.startContainer(id);
  t.is((await waitForExit(runtime, id)).exitCode, 0);
  const lines = (await readAll(runtime.logs(id))).split('\n').filter((l) => /^(nameserver|search|options)\b/.test(l));
  t.deepEqual(lines.sort(), ['nameserver 10.96.0.10', 'options ndots:5', 'search cri-test.svc.cluster.local svc.cluster.local cluster.local']);
});
