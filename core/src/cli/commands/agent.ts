import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { AgentProcess } from '../agentProcess.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { surviveClosedOutput } from '../closedPipes.js';
import { catchSignals } from '../signals.js';
import type { ServerProcess } from './server.js';

export type { AgentProcess } from '../agentProcess.js';

/** The flags of the node agent (`corral agent`; `corral up` takes some of them). */
export interface AgentFlags {
  'node-name'?: string;
  'root-dir'?: string;
  runtime?: string;
  port?: number;
  address?: string;
  'node-ip'?: string;
  'cluster-dns'?: string;
  'cluster-domain'?: string;
}

interface AgentArgs extends GlobalArgs, AgentFlags {
  server?: string;
  kubeconfig?: string;
  context?: string;
  'stop-pods'?: boolean;
}

export function agentFlags<T>(y: Argv<T>): Argv<T & AgentFlags> {
  return y
    .option('node-name', { type: 'string', describe: "this node's name", defaultDescription: "the config's agent.nodeName, else the host name" })
    .option('root-dir', { type: 'string', describe: "the agent's state directory", defaultDescription: '/var/lib/corral/agent as root, else ./.corral/agent' })
    .option('runtime', { type: 'string', describe: 'the container runtime (a plugin must offer it)', defaultDescription: "the config's agent.runtime, else process" })
    .option('port', { type: 'number', describe: 'the port logs and exec are served on (0: any free port)', default: 10250 })
    .option('address', { type: 'string', describe: 'the address that port listens on', default: '0.0.0.0' })
    .option('node-ip', { type: 'string', describe: "the node's InternalIP (the API server reaches the agent there)", defaultDescription: 'the first non-loopback IPv4 address' })
    .option('cluster-dns', { type: 'string', describe: "the cluster DNS servers pods' resolv.conf names (comma-separated)", defaultDescription: "the config's agent.clusterDNS, else the ClusterIP of the Service kube-system/kube-dns" })
    .option('cluster-domain', { type: 'string', describe: "the cluster's DNS domain, for pods' search path", defaultDescription: "the config's agent.clusterDomain, else cluster.local" }) as Argv<
    T & AgentFlags
  >;
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

/** The agent of `corral up`, in the server's process (see agentProcess.ts). */
export async function startLocalAgent(ctx: CliContext, server: ServerProcess, argv: LocalAgentArgs): Promise<AgentProcess | undefined | false> {
  const { startLocalAgent: start } = await import('../agentProcess.js');
  return start(ctx, server, argv);
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
        .option('context', { type: 'string', describe: 'the kubeconfig context to use' })
        .option('stop-pods', { type: 'boolean', default: false, describe: "stop this node's pods too on SIGINT/SIGTERM (`corral up --nodes` uses it)" }) as Argv<AgentArgs>,
    handler: async (argv) => {
      surviveClosedOutput();
      // From the start: `corral up` may stop an agent that is still starting (its pods then
      // stopped too, with --stop-pods), which the default SIGTERM would end halfway.
      const signals = catchSignals();
      let started: Awaited<ReturnType<typeof startAgent>>;
      try {
        started = await startAgent(ctx, argv);
      } catch (err) {
        signals.release();
        throw err;
      }
      if (!started) {
        signals.release();
        ctx.exitCode = 1;
        return;
      }
      const { corral, client, running } = started;
      await corral.hooks.started.promise();
      ctx.stdout.write(`Corral agent for node "${running.agent.nodeName}" (${running.agent.nodeIP}, port ${running.agent.port}) talking to ${client.config.server}.\n`);
      const signal = await signals.next;
      const stopPods = argv['stop-pods'] ?? false;
      ctx.stdout.write(`${signal}: stopping${stopPods ? ', pods too' : ' (pods keep running)'}.\n`);
      await running.stop(stopPods);
      await corral.hooks.shutdown.promise();
      client.close();
    },
  };
}

/** Boots the kernel, reads the kubeconfig and starts the agent; undefined when it cannot (stderr says why). */
async function startAgent(ctx: CliContext, argv: ArgumentsCamelCase<AgentArgs>) {
  // Loaded here, not at the top: no other command pays for the agent.
  const [{ createCorral }, { ApiClient }, { KubeconfigError }, { DEFAULT_TIMING }, { startAgentProcess }] = await Promise.all([
    import('../../kernel/boot.js'),
    import('../../client/ApiClient.js'),
    import('../../client/kubeconfig.js'),
    import('../../agent/types.js'),
    import('../agentProcess.js'),
  ]);
  const corral = await createCorral({ role: 'agent', configFile: argv.config });
  let client: InstanceType<typeof ApiClient>;
  try {
    client = ApiClient.fromKubeconfig({
      path: argv.kubeconfig,
      env: ctx.env,
      server: argv.server,
      context: argv.context,
      timeoutMs: corral.config.agent.timing?.requestTimeoutMs ?? DEFAULT_TIMING.requestTimeoutMs,
      userAgent: 'corral-agent',
    });
  } catch (err) {
    if (!(err instanceof KubeconfigError)) throw err;
    ctx.stderr.write(`corral: ${err.message}\n`);
    return undefined;
  }
  const running = await startAgentProcess(ctx, corral, client, argv);
  if (!running) {
    client.close();
    return undefined;
  }
  return { corral, client, running };
}
