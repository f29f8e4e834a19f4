import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { corralKubeconfigPath } from '../../client/kubeconfig.js';
import { DEFAULT_LISTEN } from '../../server/listen.js';
import { writeUserKubeconfig } from '../../up/announce.js';
import { loadConfig, upDataDir } from '../../up/dataDir.js';
import { checkDataDirVersion, DataDirVersionError, markDataDirVersion } from '../../up/dataDirVersion.js';
import { DEFAULT_UNDERLAY } from '../../up/names.js';
import { isRoot, notRootNotice } from '../../up/privileges.js';
import { runtimeProblem } from '../../up/runtimeCheck.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { surviveClosedOutput } from '../closedPipes.js';
import { catchSignals } from '../signals.js';
import { startServerProcess } from './server.js';
import { agentFlagsForUp, startLocalAgent, type LocalAgentArgs } from './agent.js';

interface UpArgs extends GlobalArgs, LocalAgentArgs {
  'data-dir'?: string;
  listen?: string;
  tls?: boolean;
  kubeconfig?: string;
  nodes?: number;
  underlay?: string;
}

/**
 * `corral up`: the whole of Corral on one machine, on the embedded store, with a kubeconfig
 * written for kubectl and `corral`. Runs until SIGINT or SIGTERM; started again on the same
 * data dir it carries on from the same store. With --nodes, several nodes in network namespaces.
 */
export function upCommand(ctx: CliContext): CommandModule<GlobalArgs, UpArgs> {
  return {
    command: 'up',
    describe: 'Run Corral on this machine on the embedded store, until Ctrl-C',
    builder: (y) =>
      y
        .option('data-dir', {
          type: 'string',
          describe: "the embedded store's directory (the agents' state goes beside it)",
          defaultDescription: "the config's store.embedded.dir (.corral/data)",
        })
        .option('listen', {
          type: 'string',
          describe: 'host:port for the API (with --nodes only the port counts: the API listens on the underlay)',
          defaultDescription: `the config's server.listen (${DEFAULT_LISTEN})`,
        })
        .option('tls', { type: 'boolean', describe: 'serve HTTPS (the default on a non-loopback address)' })
        .option('kubeconfig', { type: 'string', describe: 'where to write the kubeconfig', defaultDescription: '~/.corral/kubeconfig' })
        .option('nodes', {
          type: 'number',
          describe: 'run this many nodes (2 or more), each in a network namespace with the overlay pod network; needs root',
        })
        .option('underlay', {
          type: 'string',
          describe: "with --nodes: the subnet of the bridge joining the server (its first address) and the nodes (the next ones)",
          default: DEFAULT_UNDERLAY,
          defaultDescription: `${DEFAULT_UNDERLAY}, benchmarking space no home or office network uses`,
        })
        .options(agentFlagsForUp)
        .option('node-name', {
          type: 'string',
          describe: "the local node's name; with --nodes, the prefix of the nodes' names (PREFIX-1 .. PREFIX-N)",
          defaultDescription: 'the host name; with --nodes, node',
        })
        .option('root-dir', {
          type: 'string',
          describe: "the agent's state directory (with --nodes, each node's is nodes/NAME beside the data dir)",
          defaultDescription: "agent/ beside the store's data dir (.corral/agent)",
        }),
    handler: async (argv) => {
      surviveClosedOutput();
      const kubeconfig = resolve(argv.kubeconfig ?? corralKubeconfigPath(ctx.env));
      if (argv.nodes !== undefined) {
        // Loaded only for --nodes: every other command starts without it.
        const { upNodes } = await import('../../up/multiNode.js');
        return upNodes(ctx, { ...argv, nodes: argv.nodes, kubeconfig });
      }
      const dataDir = upDataDir(argv, await loadConfig(argv.config));
      try {
        if (dataDir) checkDataDirVersion(dataDir);
      } catch (err) {
        if (!(err instanceof DataDirVersionError)) throw err;
        ctx.stderr.write(`corral: ${err.message}\n`);
        ctx.exitCode = 1;
        return;
      }
      if (!isRoot()) ctx.stdout.write(`${notRootNotice()}\n`);
      // Caught from here on: a Ctrl-C during start-up, or one sent the moment "Ctrl-C stops." is
      // read, stops everything cleanly instead of killing the process halfway.
      const signals = catchSignals();
      const running = await startServerProcess(ctx, argv, 'all');
      if (!running) {
        signals.release();
        ctx.exitCode = 1;
        return;
      }
      const local = await startLocalAgent(ctx, running, argv);
      const problem = local ? await runtimeProblem(local.agent.options.runtime) : undefined;
      if (local === false || problem) {
        if (problem) ctx.stderr.write(`corral: the node cannot run pods: ${problem}\n`);
        if (local) await local.stop(false);
        await running.stop();
        signals.release();
        ctx.exitCode = 1;
        return;
      }
      try {
        if (dataDir) markDataDirVersion(dataDir);
        writeUserKubeconfig(running, kubeconfig);
        const { corral } = running;
        ctx.stdout.write(
          [
            `Corral is up: the API at ${running.api.url}, ${running.storeDescription} (revision ${await running.store.currentRevision()}).`,
            `Plugins: ${corral.plugins.map((p) => p.name).join(', ') || '(none)'}; ${corral.resources.list().length} kinds registered.`,
            `Kubeconfig written to ${kubeconfig}. To use it:`,
            `  export KUBECONFIG=${kubeconfig}`,
            '  kubectl get nodes        # or: corral get pods',
            'Ctrl-C stops.',
            '',
          ].join('\n'),
        );
        await signals.next;
        ctx.stdout.write(argv['keep-pods'] ? 'Stopping (pods keep running).\n' : 'Stopping, pods too.\n');
      } finally {
        signals.release();
        await local?.stop(!argv['keep-pods']);
        await running.stop();
      }
    },
  };
}
