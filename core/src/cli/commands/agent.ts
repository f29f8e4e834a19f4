import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { Agent } from '../../agent/Agent.js';
import { AgentSetupError, defaultAgentRootDir, startAgentFor } from '../../agent/fromCorral.js';
import { DEFAULT_TIMING } from '../../agent/types.js';
import { ApiClient } from '../../client/ApiClient.js';
import { KubeconfigError } from '../../client/kubeconfig.js';
import { startComponents, type RunningComponents } from '../../components/startComponents.js';
import type { Corral } from '../../kernel/Corral.js';
import { createCorral } from '../../kernel/boot.js';
import { startProxy, type RunningProxy } from '../../proxy/ProxyLoop.js';
import { consoleLogger } from '../../server/log.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { untilSignal, type ServerProcess } from './server.js';

/** The flags of the node agent (`corral agent`; `corral up` takes some of them). */
export interface AgentFlags {
  'node-name'?: string;
  'root-dir'?: string;
  runtime?: string;
  port?: number;
  address?: string;
  'node-ip'?: string;
}

interface AgentArgs extends GlobalArgs, AgentFlags {
  server?: string;
  kubeconfig?: string;
  context?: string;
}

/** A running agent process: the agent, and the service proxy and agent components when configured. */
export interface AgentProcess {
  agent: Agent;
  /** Stops everything; pods keep running unless `stopPods`. */
  stop(stopPods: boolean): Promise<void>;
}

export function agentFlags<T>(y: Argv<T>): Argv<T & AgentFlags> {
  return y
    .option('node-name', { type: 'string', describe: "this node's name", defaultDescription: "the config's agent.nodeName, else the host name" })
    .option('root-dir', { type: 'string', describe: "the agent's state directory", defaultDescription: '/var/lib/corral/agent as root, else ./.corral/agent' })
    .option('runtime', { type: 'string', describe: 'the container runtime (a plugin must offer it)', defaultDescription: "the config's agent.runtime, else process" })
    .option('port', { type: 'number', describe: 'the port logs and exec are served on (0: any free port)', default: 10250 })
    .option('address', { type: 'string', describe: 'the address that port listens on', default: '0.0.0.0' })
    .option('node-ip', { type: 'string', describe: "the node's InternalIP (the API server reaches the agent there)", defaultDescription: 'the first non-loopback IPv4 address' }) as Argv<
    T & AgentFlags
  >;
}

/**
 * Starts the agent for this node with `client`, then the service proxy (when the config names a
 * services data path) and the plugins' agent components. Problems a person can fix are written
 * to stderr and answer undefined.
 */
export async function startAgentProcess(ctx: CliContext, corral: Corral, client: ApiClient, flags: AgentFlags): Promise<AgentProcess | undefined> {
  const nodeName = flags['node-name'] ?? corral.config.agent.nodeName ?? hostname();
  const rootDir = resolve(flags['root-dir'] ?? defaultAgentRootDir());
  let agent: Agent;
  try {
    agent = await startAgentFor(corral, {
      client,
      nodeName,
      rootDir,
      runtime: flags.runtime,
      listen: { host: flags.address ?? '0.0.0.0', port: flags.port ?? 10250 },
      ...(flags['node-ip'] ? { nodeIP: flags['node-ip'] } : {}),
      logger: consoleLogger,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof AgentSetupError) ctx.stderr.write(`corral: ${err.message}\n`);
    else if (code === 'EADDRINUSE' || code === 'EACCES') ctx.stderr.write(`corral: the agent cannot listen on ${flags.address ?? '0.0.0.0'}:${flags.port ?? 10250} (${code}); choose another with --port\n`);
    else throw err;
    return undefined;
  }
  let proxy: RunningProxy | undefined;
  let components: RunningComponents | undefined;
  try {
    // "none": no service proxy on this node.
    const services = corral.config.agent.network?.services;
    if (services && services !== 'none') {
      proxy = await startProxy({ corral, client, nodeName, nodeIPs: [agent.nodeIP], onError: (m) => consoleLogger.warn(m) });
    }
    components = await startComponents({ corral, client, kind: 'agent', nodeName, nodeIPs: [agent.nodeIP], dataDir: rootDir });
  } catch (err) {
    await proxy?.stop();
    await agent.stop();
    throw err;
  }
  return {
    agent,
    async stop(stopPods) {
      await components?.stop();
      await proxy?.stop();
      await agent.stop({ stopPods });
    },
  };
}

/** The agent flags of `corral up`. */
export interface LocalAgentArgs {
  'data-dir'?: string;
  runtime?: string;
  'node-name'?: string;
  'root-dir'?: string;
  'keep-pods'?: boolean;
}

export const agentFlagsForUp = {
  runtime: { type: 'string', describe: 'the container runtime of the local node (a plugin must offer it)', defaultDescription: "the config's agent.runtime, else process" },
  'node-name': { type: 'string', describe: "the local node's name", defaultDescription: 'the host name' },
  'root-dir': { type: 'string', describe: "the agent's state directory", defaultDescription: "agent/ beside the store's data dir (.corral/agent)" },
  'keep-pods': { type: 'boolean', default: false, describe: 'leave the pods running on Ctrl-C (the next `corral up` adopts them)' },
} as const;

/**
 * The agent of `corral up`, in the server's process: loopback only, on a free port, talking to
 * the process's own API. Answers undefined when no runtime was asked for and the default one is
 * not offered (a notice says so), false when the agent could not start (stderr says why).
 */
export async function startLocalAgent(ctx: CliContext, server: ServerProcess, argv: LocalAgentArgs): Promise<AgentProcess | undefined | false> {
  const { corral, api } = server;
  const runtime = argv.runtime ?? corral.config.agent.runtime;
  if (runtime === undefined && !corral.hooks.runtimeAdapter.get('process')?.isUsed()) {
    ctx.stdout.write('No node agent: no plugin offers the "process" runtime; add "@corral/runtime-process" to the config\'s plugins, or give --runtime.\n');
    return undefined;
  }
  const admin = api.issueClientCertificate?.('system:node:local', ['system:nodes', 'system:masters']);
  const client = new ApiClient(
    {
      server: api.url,
      namespace: 'default',
      insecureSkipTlsVerify: false,
      files: [],
      ...(api.caCertificate ? { ca: Buffer.from(api.caCertificate) } : {}),
      ...(admin ? { clientCert: Buffer.from(admin.certificate), clientKey: Buffer.from(admin.key) } : {}),
    },
    { timeoutMs: DEFAULT_TIMING.requestTimeoutMs, userAgent: 'corral-agent' },
  );
  const store = corral.config.store;
  const dataDir = argv['data-dir'] ?? corral.config.server.dataDir ?? (store && 'embedded' in store ? store.embedded.dir : '.corral/data');
  const rootDir = argv['root-dir'] ?? join(dirname(resolve(dataDir)), 'agent');
  const running = await startAgentProcess(ctx, corral, client, { ...argv, 'root-dir': rootDir, runtime, port: 0, address: '127.0.0.1', 'node-ip': '127.0.0.1' });
  if (!running) {
    client.close();
    return false;
  }
  ctx.stdout.write(`Node "${running.agent.nodeName}" runs pods with the ${runtime ?? 'process'} runtime.\n`);
  return {
    agent: running.agent,
    async stop(stopPods) {
      await running.stop(stopPods);
      client.close();
    },
  };
}

/** `corral agent`: the node agent (and service proxy) for this node, until SIGINT or SIGTERM. */
export function agentCommand(ctx: CliContext): CommandModule<GlobalArgs, AgentArgs> {
  return {
    command: 'agent',
    describe: "Run the node agent for this node: runs the pods bound to it, until SIGINT/SIGTERM (pods keep running)",
    builder: (y) =>
      agentFlags(y)
        .option('server', { alias: 's', type: 'string', describe: "the API server's URL, overriding the kubeconfig's" })
        .option('kubeconfig', { type: 'string', describe: 'the kubeconfig file to use', defaultDescription: '$KUBECONFIG, ~/.corral/kubeconfig, ~/.kube/config' })
        .option('context', { type: 'string', describe: 'the kubeconfig context to use' }) as Argv<AgentArgs>,
    handler: async (argv) => {
      const corral = await createCorral({ role: 'agent', configFile: argv.config });
      let client: ApiClient;
      try {
        client = ApiClient.fromKubeconfig({
          path: argv.kubeconfig,
          env: ctx.env,
          server: argv.server,
          context: argv.context,
          timeoutMs: DEFAULT_TIMING.requestTimeoutMs,
          userAgent: 'corral-agent',
        });
      } catch (err) {
        if (!(err instanceof KubeconfigError)) throw err;
        ctx.stderr.write(`corral: ${err.message}\n`);
        ctx.exitCode = 1;
        return;
      }
      const running = await startAgentProcess(ctx, corral, client, argv);
      if (!running) {
        client.close();
        ctx.exitCode = 1;
        return;
      }
      await corral.hooks.started.promise();
      ctx.stdout.write(`Corral agent for node "${running.agent.nodeName}" (${running.agent.nodeIP}, port ${running.agent.port}) talking to ${client.config.server}.\n`);
      const signal = await untilSignal();
      ctx.stdout.write(`${signal}: stopping (pods keep running).\n`);
      await running.stop(false);
      await corral.hooks.shutdown.promise();
      client.close();
    },
  };
}
