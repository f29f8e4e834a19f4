import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { corralKubeconfigPath, writeKubeconfig } from '../../client/kubeconfig.js';
import { DEFAULT_LISTEN } from '../../server/listen.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { startServerProcess, untilSignal } from './server.js';
import { agentFlagsForUp, startLocalAgent, type LocalAgentArgs } from './agent.js';

interface UpArgs extends GlobalArgs, LocalAgentArgs {
  'data-dir'?: string;
  listen?: string;
  tls?: boolean;
  kubeconfig?: string;
}

/**
 * `corral up`: the whole of Corral on one machine, on the embedded store, with a kubeconfig
 * written for kubectl and `corral`. Runs until SIGINT or SIGTERM; started again on the same
 * data dir it carries on from the same store.
 */
export function upCommand(ctx: CliContext): CommandModule<GlobalArgs, UpArgs> {
  return {
    command: 'up',
    describe: 'Run Corral on this machine on the embedded store, until Ctrl-C',
    builder: (y) =>
      y
        .option('data-dir', {
          type: 'string',
          describe: "the embedded store's directory",
          defaultDescription: "the config's store.embedded.dir (.corral/data)",
        })
        .option('listen', { type: 'string', describe: 'host:port for the API', defaultDescription: `the config's server.listen (${DEFAULT_LISTEN})` })
        .option('tls', { type: 'boolean', describe: 'serve HTTPS (the default on a non-loopback address)' })
        .option('kubeconfig', { type: 'string', describe: 'where to write the kubeconfig', defaultDescription: '~/.corral/kubeconfig' })
        .options(agentFlagsForUp),
    handler: async (argv) => {
      const running = await startServerProcess(ctx, argv, 'all');
      if (!running) {
        ctx.exitCode = 1;
        return;
      }
      const kubeconfig = resolve(argv.kubeconfig ?? corralKubeconfigPath(ctx.env));
      const local = await startLocalAgent(ctx, running, argv);
      if (local === false) {
        await running.stop();
        ctx.exitCode = 1;
        return;
      }
      try {
        // Over HTTPS kubectl wants credentials (else it prompts for a password): an admin certificate.
        const admin = running.api.issueClientCertificate?.('corral-admin', ['system:masters']);
        writeKubeconfig(kubeconfig, {
          server: running.api.url,
          certificateAuthorityData: running.api.caCertificate,
          clientCertificateData: admin?.certificate,
          clientKeyData: admin?.key,
          namespace: 'default',
        });
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
        await untilSignal();
        ctx.stdout.write(argv['keep-pods'] ? 'Stopping (pods keep running).\n' : 'Stopping, pods too.\n');
      } finally {
        await local?.stop(!argv['keep-pods']);
        await running.stop();
      }
    },
  };
}
