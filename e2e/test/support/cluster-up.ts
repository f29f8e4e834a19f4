// A one-node cluster as a user starts it: `corral up` (or `corral server` and `corral agent`
// apart) in a temp dir, with the process runtime (or another) and the default network plugins,
// on a pod bridge, Service interface, pod subnet, Service range, NodePort range and DNS address
// of the test's own. Every process, interface, namespace and dir it made goes in `stop()`.
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiClient, type Node } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { removeBridgeForwarding } from '@corral/network-bridge';
import { CORRAL_BIN, corral, runCli, type CliResult } from './cli.js';
import { freePort } from './ports.js';
import { startChild, stopWithin, type Child } from './processes.js';

const run = promisify(execFile);
const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' } as const;
/** How long a stopping process gets before SIGKILL (pods first stop with their grace period). */
const STOP_MS = 30_000;

export interface ClusterUpOptions {
  /** In the temp dir's name and the node's default name. */
  readonly name?: string;
  /** Default `<name>-node`. */
  readonly nodeName?: string;
  /** The agent's runtime; default `process` with cgroup limits off. */
  readonly runtime?: 'process' | 'docker' | 'cri';
  /** The runtime plugin's config lines (YAML list items indented by two), for another runtime. */
  readonly runtimePlugin?: readonly string[];
  /** Chooses the runtime with `corral up --runtime` (as a README does) rather than in the config. */
  readonly runtimeFlag?: boolean;
  /** `corral server` + `corral agent` as two processes instead of `corral up`. */
  readonly split?: boolean;
  /** With split: no agent at all (an API server on its own). */
  readonly noAgent?: boolean;
  /** More flags for the first `corral up` (e.g. `--keep-pods`). */
  readonly upFlags?: readonly string[];
  /** Publishes the DNS as kube-system/kube-dns (a ClusterIP in the test's range, answered on loopback). */
  readonly publishDns?: boolean;
  /**
   * NodePorts on a loopback address of the test's own (any port of the default range, e.g. one a
   * manifest fixes) rather than on every address in a NodePort range of the test's own.
   */
  readonly nodePortAddress?: boolean;
  /** Run before the processes are stopped, while the API still answers (e.g. deleting what the test applied). */
  readonly beforeStop?: (cluster: ClusterUp) => Promise<void>;
}

export interface ClusterUp {
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  readonly kubeconfig: string;
  readonly client: ApiClient;
  readonly nodeName: string;
  /** The third octet of this cluster's subnets: pods in 10.221.r.0/24, Services in 10.223.r.0/24. */
  readonly subnet: number;
  /** The first and last port of the NodePort range (the default one with `nodePortAddress`). */
  readonly nodePorts: readonly [number, number];
  /** Where NodePorts listen: this cluster's own loopback address, or 127.0.0.1 (all addresses). */
  readonly nodeAddress: string;
  /** The running processes: one `corral up`, or a `corral server` and a `corral agent`. */
  readonly children: { up?: Child; server?: Child; agent?: Child };
  /** Starts the server again (split mode) after `children.server` was stopped. */
  restartServer(): Promise<void>;
  /** Starts `corral up` again on the same dir and port (with `flags`) after `children.up` was stopped. */
  restartUp(flags?: readonly string[]): Promise<void>;
  /** `corral <args>` with this cluster's kubeconfig: exit code and output. */
  cli(args: readonly string[]): Promise<CliResult>;
  /** `corral ARGS...` with this cluster's kubeconfig: its stdout; rejects with the output on a non-zero exit. */
  corral(...args: string[]): Promise<string>;
  /** What the processes printed so far. */
  output(): string;
  /** Runs `beforeStop`, stops every process (SIGINT, then SIGKILL), removes what it made; the first process's exit code (once; later calls get the same). */
  stop(): Promise<number | null>;
}

/** Starts the cluster and waits until its node is Ready (or only its API, with `noAgent`). */
export async function startClusterUp(options: ClusterUpOptions = {}): Promise<ClusterUp> {
  const name = options.name ?? 'up';
  const nodeName = options.nodeName ?? `${name}-node`;
  const dir = await mkdtemp(join(tmpdir(), `corral-e2e-${name}-`));
  const r = await unusedSubnet();
  const id = randomInt(1e5, 1e6);
  const bridge = `crlb${id}`;
  const services = `crls${id}`;
  const nodeAddress = options.nodePortAddress ? `127.${randomInt(100, 250)}.${r}.${randomInt(2, 250)}` : '127.0.0.1';
  const firstNodePort = 31_000 + randomInt(0, 15) * 100;
  const nodePorts: [number, number] = options.nodePortAddress ? [30_000, 32_767] : [firstNodePort, firstNodePort + 99];
  const runtime = options.runtime ?? 'process';
  const configFile = join(dir, 'corral.yaml');
  await writeFile(
    configFile,
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      ...(options.runtimePlugin ?? ['  - name: "@corral/runtime-process"', '    options: { limits: "off" }']),
      '  - name: "@corral/network-bridge"',
      `    options: { bridge: ${bridge} }`,
      '  - name: "@corral/network-userspace"',
      `    options: { serviceInterface: ${services}${options.nodePortAddress ? `, nodePortAddresses: ["${nodeAddress}"]` : ''} }`,
      '  - name: "@corral/plugin-node-ipam"',
      `    options: { clusterCIDR: 10.221.${r}.0/24, nodeMaskSize: 26 }`,
      '  - name: "@corral/plugin-dns"',
      options.publishDns
        ? `    options: { listen: "127.0.0.1:0", advertiseAddress: 127.0.0.1, serviceIP: 10.223.${r}.10, upstreams: [] }`
        : '    options: { listen: "127.0.0.1:0", publish: false, upstreams: [] }',
      'server:',
      `  serviceCIDR: 10.223.${r}.0/24`,
      ...(options.nodePortAddress ? [] : [`  nodePortRange: ${nodePorts[0]}-${nodePorts[1]}`]),
      'agent:',
      ...(options.runtimeFlag ? [] : [`  runtime: ${runtime}`]),
      '  network: { pods: bridge, services: userspace }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  const children: ClusterUp['children'] = {};
  let starts = 0;
  const start = (role: 'up' | 'server' | 'agent', args: readonly string[]): Child =>
    (children[role] = startChild(process.execPath, [CORRAL_BIN, role, '--config', configFile, ...args], {}, { logFile: join(dir, `${role}-${++starts}.log`) }));
  const startServer = async () => {
    await start('server', ['--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--no-tls', '--leader-elect=false']).waitFor(url, 60_000);
  };
  const startUp = async (flags: readonly string[]) => {
    const runtimeFlag = options.runtimeFlag ? ['--runtime', runtime] : [];
    await start('up', [
      ...runtimeFlag, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--kubeconfig', kubeconfig,
      '--root-dir', join(dir, 'agent'), '--node-name', nodeName, ...flags,
    ]).waitFor('Ctrl-C stops.', 60_000);
  };
  const output = () => [children.up, children.server, children.agent].map((c) => c?.output() ?? '').join('\n');
  // Should the test runner end this process first (a timeout), Ctrl-C still reaches the
  // processes, which then stop their pods themselves.
  const interrupt = () => {
    for (const child of [children.up, children.agent, children.server]) if (child?.process.exitCode === null) child.process.kill('SIGINT');
  };
  process.once('exit', interrupt);

  let client: ApiClient | undefined;
  let cluster: ClusterUp | undefined;
  let stopped: Promise<number | null> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      const first = children.up ?? children.agent ?? children.server;
      if (cluster && options.beforeStop && first?.process.exitCode === null) await options.beforeStop(cluster).catch(() => undefined);
      client?.close();
      // The agent (or `corral up`) first, so it stops its pods while the API is there to say so.
      const codes = [];
      for (const child of [children.up, children.agent, children.server]) if (child) codes.push(await stopWithin(child, STOP_MS));
      process.off('exit', interrupt);
      output();
      await reapPods(join(dir, 'agent'));
      await run('sh', ['-c', `ip link del ${bridge} 2>/dev/null; ip link del ${services} 2>/dev/null; true`]);
      await removeBridgeForwarding(bridge).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      return codes[0] ?? null;
    })());
  try {
    if (options.split) {
      await startServer();
      await writeFile(kubeconfig, kubeconfigFor(url));
      if (!options.noAgent) start('agent', [
        '--server', url, '--node-name', nodeName, '--root-dir', join(dir, 'agent'), '--stop-pods', '--port', '0', '--address', '127.0.0.1', '--node-ip', '127.0.0.1',
      ]);
    } else {
      await startUp(options.upFlags ?? []);
    }
    client = ApiClient.fromKubeconfig({ path: kubeconfig, env: {} });
    const c = client;
    if (!options.noAgent) await waitFor('the node Ready', async () => {
      const n = await c.get<Node>(NODES, nodeName).catch(() => undefined);
      return n?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? n : undefined;
    }, 30_000);
  } catch (err) {
    const printed = output();
    await stop();
    throw new Error(`${(err as Error).message}\n${printed.slice(-4000)}`);
  }
  cluster = {
    dir,
    port,
    url,
    kubeconfig,
    client,
    nodeName,
    subnet: r,
    nodePorts,
    nodeAddress,
    children,
    restartServer: startServer,
    restartUp: (flags = []) => startUp(flags),
    cli: (args) => runCli(args, { kubeconfig }),
    corral: (...args) => corral(args, { kubeconfig }),
    output,
    stop,
  };
  return cluster;
}

/** A third octet whose 10.221.r.0/24 and 10.223.r.0/24 no route on this machine uses yet. */
async function unusedSubnet(): Promise<number> {
  const { stdout } = await run('ip', ['-4', 'route', 'show', 'table', 'all']).catch(() => ({ stdout: '' }));
  const taken = new Set([...stdout.matchAll(/\b10\.22[13]\.(\d+)\./g)].map((m) => Number(m[1])));
  const free = Array.from({ length: 249 }, (_, i) => i + 1).filter((r) => !taken.has(r));
  return free.length > 0 ? free[randomInt(0, free.length)]! : randomInt(1, 250);
}

function kubeconfigFor(url: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server: url } }],
    users: [{ name: 'e2e', user: {} }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e', namespace: 'default' } }],
    'current-context': 'e2e',
  });
}

/**
 * Whatever pod processes and namespaces the agent left (a test that failed half-way, an agent
 * killed): their PIDs from the process runtime's records, checked against /proc start times so
 * only those very processes are killed, and the pod network namespaces named after pod uids.
 */
async function reapPods(agentDir: string): Promise<void> {
  const { stdout } = await run('find', [agentDir, '-name', '*.json', '-path', '*/runtime-process/*']).catch(() => ({ stdout: '' }));
  for (const file of stdout.split('\n').filter((f) => /\/(sandbox|container)\.json$/.test(f))) {
    const record = await readFile(file, 'utf8').then((text) => JSON.parse(text) as Record<string, { pid: number; startTime: string } | undefined>, () => ({}) as Record<string, undefined>);
    for (const ref of [record.main, record.shim, record.holder]) {
      if (!ref?.pid) continue;
      const stat = await readFile(`/proc/${ref.pid}/stat`, 'utf8').catch(() => '');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] !== ref.startTime) continue;
      try {
        process.kill(ref.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const pods = await readdir(join(agentDir, 'pods')).catch(() => [] as string[]);
  const namespaces = await readdir('/run/netns').catch(() => [] as string[]);
  for (const uid of pods) if (namespaces.includes(`corral-${uid}`)) await run('ip', ['netns', 'del', `corral-${uid}`]).catch(() => undefined);
}
