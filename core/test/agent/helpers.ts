// A test API server, a fake runtime and an agent on loopback, with short timings; and a
// cuttable TCP link between agent and API to play the API going away.
import type { ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pod } from '../../src/api/index.js';
import { ApiClient, PODS } from '../../src/client/index.js';
import { Agent, type AgentOptions, type AgentTiming } from '../../src/agent/index.js';
import { FakeRuntime, startTestApiServer, waitFor, type TestApiServer } from '../../src/testing/index.js';
export { waitFor };

export const NODE = 'node-1';

export const FAST: Partial<AgentTiming> = {
  leaseRenewMs: 200,
  nodeStatusMs: 1_000,
  relistMs: 50,
  resyncMs: 1_000,
  backoffInitialMs: 400,
  backoffMaxMs: 1_600,
  backoffResetMs: 60_000,
};

export function clientFor(url: string): ApiClient {
  return new ApiClient({ server: url, namespace: 'default', insecureSkipTlsVerify: false, files: [] }, { timeoutMs: 5_000 });
}

export interface AgentEnv {
  api: TestApiServer;
  client: ApiClient;
  runtime: FakeRuntime;
  rootDir: string;
  agent: Agent;
  /** The cuttable link the agent talks to the API through, when asked for. */
  link?: Link;
  /** Starts another agent on the same runtime and root dir (after stopping the first). */
  restartAgent(overrides?: Partial<AgentOptions>): Promise<Agent>;
}

export async function startAgentEnv(t: ExecutionContext, overrides: Partial<AgentOptions> = {}, setup: { link?: boolean } = {}): Promise<AgentEnv> {
  const api = await startTestApiServer({ backend: 'embedded' });
  const client = clientFor(api.url);
  let link: Link | undefined;
  let agentClient = client;
  if (setup.link) {
    const url = new URL(api.url);
    link = new Link({ host: url.hostname, port: Number(url.port) });
    await link.open();
    agentClient = clientFor(`http://127.0.0.1:${link.port}`);
  }
  const runtime = new FakeRuntime();
  const rootDir = await mkdtemp(join(tmpdir(), 'corral-agent-'));
  const options = (): AgentOptions => ({
    client: agentClient,
    nodeName: NODE,
    runtime,
    rootDir,
    listen: { host: '127.0.0.1', port: 0 },
    nodeIP: '127.0.0.1',
    capacity: { cpu: '4', memory: '8Gi', pods: 10 },
    timing: FAST,
    ...overrides,
  });
  const env: AgentEnv = {
    api,
    client,
    runtime,
    rootDir,
    link,
    agent: await Agent.start(options()),
    async restartAgent(more = {}) {
      await env.agent.stop();
      env.agent = await Agent.start({ ...options(), ...more });
      return env.agent;
    },
  };
  t.teardown(async () => {
    await env.agent.stop();
    runtime.dispose();
    client.close();
    agentClient.close();
    await link?.cut();
    await api.close();
    await rm(rootDir, { recursive: true, force: true });
  });
  await env.agent.ready();
  return env;
}


export function pod(name: string, spec: Partial<Pod['spec']>, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...meta },
    spec: { nodeName: NODE, containers: [], ...spec } as Pod['spec'],
  };
}

export async function createPod(client: ApiClient, p: Pod): Promise<Pod> {
  return client.create(PODS, p, { namespace: p.metadata.namespace });
}

export async function getPod(client: ApiClient, name: string): Promise<Pod> {
  return client.get<Pod>(PODS, name, { namespace: 'default' });
}

/** Waits until the pod's status satisfies `check`; returns the pod. */
export function podUntil(client: ApiClient, name: string, what: string, check: (p: Pod) => boolean, timeoutMs = 10_000): Promise<Pod> {
  return waitFor(what, async () => {
    const p = await getPod(client, name);
    return check(p) ? p : undefined;
  }, timeoutMs);
}

/** A TCP forwarder to `target` that can be cut (connections dropped, new ones refused) and healed. */
export class Link {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = (): void => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = undefined;
  }
}

/** A `corral agent` process started by a test: what it printed so far, and its exit. */
export interface CliAgent {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

const CORRAL_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Runs `corral agent ARGS` for node `nodeName` until it says it runs; killed at the test's end. */
export async function startCliAgent(t: ExecutionContext, args: readonly string[], nodeName: string): Promise<CliAgent> {
  const child = spawn(process.execPath, [CORRAL_MAIN, 'agent', ...args], { env: { ...process.env, CORRAL_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await waitFor('the agent to start', () => output.includes(`Corral agent for node "${nodeName}"`) || child.exitCode !== null, 15_000);
  t.is(child.exitCode, null, output);
  return { child, output: () => output, exited };
}
