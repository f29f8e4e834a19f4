// `corral up` with the arguments a test gives it, for the up-* tests (--nodes, --underlay, another
// user) and the agent-loss drill: one process in a temp dir with a config of the test's own (pod subnets, a Service range and the DNS's Service IP
// picked at random in 10.2xx), waited on until it says it is up, stopped with Ctrl-C (SIGINT).
import { execFile, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiClient, type Deployment, type Node, type Pod } from '@corral/core';
import { CORRAL_BIN } from './cli.js';
import { startChild, type Child } from './processes.js';

export { CORRAL_BIN };
export const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' } as const;
export const DEPLOYMENTS = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' } as const;

const run = promisify(execFile);
export const sh = (cmd: string) => run('sh', ['-c', cmd]);

/** The addresses of one test's cluster, all in ranges of its own. */
export interface TestRanges {
  readonly r: number;
  readonly podCIDR: string;
  readonly serviceCIDR: string;
  readonly underlay: string;
}

export function randomRanges(): TestRanges {
  const r = randomInt(1, 250);
  return { r, podCIDR: `10.227.${r}.0/24`, serviceCIDR: `10.228.${r}.0/24`, underlay: `10.229.${r}.0/24` };
}

/** A config with the process runtime, node IPAM, the DNS and the Service range in `ranges`; `extra` lines go at the end of plugins. */
export async function writeUpConfig(dir: string, ranges: TestRanges, extra: string[] = [], tail: string[] = []): Promise<string> {
  const file = join(dir, 'corral.yaml');
  await writeFile(
    file,
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      '  - name: "@corral/runtime-process"',
      '    options: { limits: "off" }',
      '  - name: "@corral/plugin-node-ipam"',
      `    options: { clusterCIDR: ${ranges.podCIDR}, nodeMaskSize: 26 }`,
      '  - name: "@corral/plugin-dns"',
      `    options: { serviceIP: 10.228.${ranges.r}.10, upstreams: [] }`,
      ...extra,
      'server:',
      `  serviceCIDR: ${ranges.serviceCIDR}`,
      ...tail,
      '',
    ].join('\n'),
  );
  return file;
}

export interface UpNode {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
  readonly agentPid: number;
}

export interface Up {
  readonly child: ChildProcess;
  output(): string;
  /** The nodes as `corral up --nodes` listed them. */
  nodes(): UpNode[];
  /** SIGINT (Ctrl-C), then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: what a crash leaves behind. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Runs `corral up` with `args` and waits until it is up (or rejects with its output when it exits first). */
export async function corralUp(args: string[], env: NodeJS.ProcessEnv = {}, command: string[] = [process.execPath], timeoutMs = 90_000): Promise<Up> {
  const up = spawnUp(args, env, command);
  await up.started.waitFor('Ctrl-C stops.', timeoutMs).catch((err: Error) => {
    throw new Error(`corral up was not up: ${err.message}`);
  });
  return up;
}

/** Runs `corral up` and answers at once (for the runs expected to fail); `command` is the program that runs it, after any wrapper. */
export function spawnUp(args: string[], env: NodeJS.ProcessEnv = {}, command: string[] = [process.execPath]): Up & { started: Child } {
  const started = startChild(command.at(-1)!, [CORRAL_BIN, 'up', ...args], env, { prefix: command.slice(0, -1) });
  return {
    started,
    child: started.process,
    exited: started.exited,
    output: () => started.output(),
    nodes: () =>
      [...started.output().matchAll(/node "([^"]+)": namespace (\S+), address ([\d.]+), pods \S+, agent pid (\d+)/g)].map((m) => ({ name: m[1]!, netns: m[2]!, ip: m[3]!, agentPid: Number(m[4]) })),
    stop: () => started.stop('SIGINT'),
    async kill() {
      await started.stop('SIGKILL');
    },
  };
}

export function isReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function podReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

/**
 * A Deployment of `replicas` busybox TCP servers answering `pong-<pod name>`. The scheduler
 * spreads them over the nodes (requests for LeastAllocated; create the Service first, so the
 * default topology spread sees it).
 */
export function pongDeployment(name: string, replicas: number): Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'app',
              image: 'busybox',
              command: ['sh', '-c', 'exec busybox nc -ll -p 8080 -e echo pong-$(hostname)'],
              ports: [{ name: 'tcp', containerPort: 8080 }],
              resources: { requests: { cpu: '100m' } },
              readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

/** One request to a pong server: its answer, or undefined (refused, reset, empty, timed out). */
export function ask(host: string, port: number, timeoutMs = 1_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect(port, host);
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data.startsWith('pong-') ? data.trim() : undefined);
    });
  });
}

export function clientFor(kubeconfig: string): ApiClient {
  return ApiClient.fromKubeconfig({ path: kubeconfig, env: {} });
}

/** Whether a network namespace or a link of this name exists. */
export async function netnsExists(name: string): Promise<boolean> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout.split('\n').some((l) => l.split(' ')[0] === name);
}

export async function linkExists(name: string): Promise<boolean> {
  return run('ip', ['link', 'show', name]).then(
    () => true,
    () => false,
  );
}

/**
 * The processes of these pods (sandbox holders and containers): the process runtime gives each
 * its pod's name as HOSTNAME (CORRAL_HOSTNAME for the holder).
 */
export function podProcesses(pods: readonly string[]): number[] {
  const wanted = new Set(pods.flatMap((name) => [`HOSTNAME=${name}`, `CORRAL_HOSTNAME=${name}`]));
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (environ.split('\0').some((v) => wanted.has(v))) pids.push(Number(entry));
  }
  return pids;
}

/** Kills what podProcesses finds: for pods whose agent is gone. */
export function killPodProcesses(pods: readonly string[]): void {
  for (const pid of podProcesses(pods)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}
