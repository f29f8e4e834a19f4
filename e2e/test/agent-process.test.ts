// `corral up` with the node agent on the process runtime: a pod runs as real processes, its
// log and exec go through the API to the agent, a failing one ends Failed, deletion stops it;
// with --keep-pods a second `corral up` adopts the running pod without restarting it.
import test from 'ava';
import { randomInt } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient, PODS, type Node, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';

const bin = fileURLToPath(new URL('../../../core/dist/src/cli/main.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Up {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `corral up` and waits until it says it is up. */
async function corralUp(dir: string, port: number, extra: string[] = []): Promise<Up> {
  const args = [bin, 'up', '--config', join(dir, 'corral.yaml'), '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`];
  args.push('--kubeconfig', join(dir, 'kubeconfig'), '--root-dir', join(dir, 'agent'), '--node-name', 'e2e-node', ...extra);
  const child = spawn(process.execPath, args, { env: { ...process.env, CORRAL_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await Promise.race([
    waitFor('corral up to be up', () => output.includes('Ctrl-C stops.'), 30_000),
    exited.then(() => {
      throw new Error(`corral up exited early:\n${output}`);
    }),
  ]);
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}


function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('corral up runs pods as processes through the agent; --keep-pods lets the next one adopt them', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-e2e-agent-'));
  const ups: Up[] = [];
  t.teardown(async () => {
    for (const up of ups) await up.stop();
    await rm(dir, { recursive: true, force: true });
  });
  // The default network (a bridge, an IP per pod from node IPAM, the userspace proxy), on names
  // and a subnet of this test's own; the cluster DNS on loopback.
  const r = randomInt(1, 250);
  const bridge = `crle${randomInt(1e4, 1e5)}`;
  t.teardown(() => {
    execFileSync('sh', ['-c', `ip link del ${bridge} 2>/dev/null || true`]);
  });
  await writeFile(
    join(dir, 'corral.yaml'),
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      '  - name: "@corral/runtime-process"',
      '    options: { limits: "off" }',
      '  - name: "@corral/network-bridge"',
      `    options: { bridge: ${bridge} }`,
      '  - name: "@corral/network-userspace"',
      `    options: { serviceInterface: crls${r}x }`,
      '  - name: "@corral/plugin-node-ipam"',
      `    options: { clusterCIDR: 10.221.${r}.0/24, nodeMaskSize: 26 }`,
      '  - name: "@corral/plugin-dns"',
      '    options: { listen: "127.0.0.1:0", publish: false, upstreams: [] }',
      'agent:',
      '  runtime: process',
      '  network: { pods: bridge, services: userspace }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  ups.push(await corralUp(dir, port, ['--keep-pods']));
  const client = ApiClient.fromKubeconfig({ path: join(dir, 'kubeconfig'), env: {} });
  t.teardown(() => client.close());
  const nodes = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
  const node = await waitFor('the node Ready', async () => {
    const n = await client.get<Node>(nodes, 'e2e-node');
    return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? n : undefined;
  });
  t.regex(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^process:\/\//);

  const podOf = (name: string, command: string, restartPolicy: Pod['spec']['restartPolicy']): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'e2e-node', restartPolicy, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', command], env: [{ name: 'WHO', value: 'corral' }] }] },
  });
  await client.create(PODS, podOf('hello', 'echo hello $WHO; exec sleep 3607', 'Always'));
  await client.create(PODS, podOf('broken', 'echo failing >&2; exit 3', 'Never'));
  const running = await waitFor('hello Running', async () => {
    const p = await client.get<Pod>(PODS, 'hello', { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  });
  t.regex(running.status!.containerStatuses![0]!.containerID ?? '', /^process:\/\//);
  t.regex(running.status!.podIP ?? '', new RegExp(`^10\\.221\\.${r}\\.`), 'an address from the node subnet, on the bridge');
  t.is(await waitFor('the log line', async () => ((await client.logs('hello', { namespace: 'default' })) === 'hello corral\n' ? 'hello corral\n' : undefined)), 'hello corral\n');
  const out: Buffer[] = [];
  const exec = await client.exec('hello', { namespace: 'default', command: ['sh', '-c', 'echo in the pod; exit 4'], stdout: { write: (b: Buffer) => out.push(b) } });
  t.is(exec.exitCode, 4);
  t.is(Buffer.concat(out).toString(), 'in the pod\n');
  // The pod's process, seen from the host (its command line is unique to this test).
  const sleeper = Number(execFileSync('pgrep', ['-f', 'sleep 3607']).toString().trim().split('\n')[0]);
  t.true(sleeper > 0);
  t.teardown(() => {
    if (alive(sleeper)) process.kill(sleeper, 'SIGKILL');
  });

  const broken = await waitFor('broken Failed', async () => {
    const p = await client.get<Pod>(PODS, 'broken', { namespace: 'default' });
    return p.status?.phase === 'Failed' ? p : undefined;
  });
  t.is(broken.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);

  // Ctrl-C with --keep-pods: the pod's process lives on, and the next `corral up` adopts it.
  t.is(await ups[0]!.stop(), 0, ups[0]!.output());
  ups.shift();
  t.true(alive(sleeper), 'the pod survived the stop');
  ups.push(await corralUp(dir, port));
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const adopted = await waitFor('hello still Running', async () => {
    const p = await client.get<Pod>(PODS, 'hello', { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  });
  t.is(adopted.status!.containerStatuses![0]!.containerID, running.status!.containerStatuses![0]!.containerID, 'the same container, not a new one');
  t.is(adopted.status!.containerStatuses![0]!.restartCount, 0);

  // Deleting the pod stops its process and the agent confirms the deletion.
  await client.delete(PODS, 'hello', { namespace: 'default', gracePeriodSeconds: 2 });
  await waitFor('hello gone', async () => {
    try {
      await client.get<Pod>(PODS, 'hello', { namespace: 'default' });
      return false;
    } catch (err) {
      return (err as { code?: number }).code === 404;
    }
  });
  await waitFor('the process gone', () => !alive(sleeper));
  t.is(await ups[0]!.stop(), 0, ups[0]!.output());
  ups.shift();
});
