import type { Argv, CommandModule } from 'yargs';
import type { Role } from '../../kernel/roles.js';
import { DEFAULT_LISTEN } from '../../server/listen.js';
import type { CliContext, GlobalArgs } from '../context.js';
import type { ServerProcess } from '../serverProcess.js';
import { surviveClosedOutput } from '../closedPipes.js';
import { untilSignal } from '../signals.js';

export type { ServerProcess } from '../serverProcess.js';

export interface ServerArgs extends GlobalArgs {
  listen?: string;
  'data-dir'?: string;
  'etcd-endpoints'?: string;
  tls?: boolean;
  'leader-elect'?: boolean;
}

/** The flags `corral server` and `corral up` share. */
export function serverOptions<T>(y: Argv<T>): Argv<T & Omit<ServerArgs, keyof GlobalArgs>> {
  return y
    .option('listen', { type: 'string', describe: 'host:port for the API', defaultDescription: `the config's server.listen (${DEFAULT_LISTEN})` })
    .option('data-dir', { type: 'string', describe: "the embedded store's directory (the server's certificates go in its pki/)", defaultDescription: "the config's store.embedded.dir" })
    .option('etcd-endpoints', { type: 'string', describe: 'use etcd instead of the embedded store: comma-separated client URLs' })
    .option('tls', { type: 'boolean', describe: 'serve HTTPS (the default when listening on a non-loopback address); --no-tls forces HTTP' }) as Argv<
    T & Omit<ServerArgs, keyof GlobalArgs>
  >;
}

/**
 * Boots the kernel in `role`, opens the store and starts the API (see serverProcess.ts, loaded
 * here on first use). Answers undefined after writing to stderr what a person can fix.
 */
export async function startServerProcess(ctx: CliContext, argv: ServerArgs, role: Role, leaderElection = false): Promise<ServerProcess | undefined> {
  const { startServerProcess: start } = await import('../serverProcess.js');
  return start(ctx, argv, role, leaderElection);
}

/**
 * `corral server`: the API server, the controller manager and the scheduler (leader-elected by
 * default) on the embedded store or etcd, until SIGINT or SIGTERM.
 */
export function serverCommand(ctx: CliContext): CommandModule<GlobalArgs, ServerArgs> {
  return {
    command: 'server',
    describe: 'Run the API server (and the control plane) on the embedded store or etcd, until SIGINT/SIGTERM',
    builder: (y) =>
      serverOptions(y).option('leader-elect', {
        type: 'boolean',
        default: true,
        describe: 'run controllers and the scheduler only while holding their leases (several servers on one store); --no-leader-elect runs them at once',
      }),
    handler: async (argv) => {
      surviveClosedOutput();
      const running = await startServerProcess(ctx, argv, 'server', argv['leader-elect'] ?? true);
      if (!running) {
        ctx.exitCode = 1;
        return;
      }
      ctx.stdout.write(`Corral API server listening on ${running.api.url} (${running.storeDescription}).\n`);
      if (running.api.caCertificate) ctx.stdout.write(`Clients must trust its CA: ${running.caFile}\n`);
      const signal = await untilSignal();
      ctx.stdout.write(`${signal}: stopping.\n`);
      await running.stop();
    },
  };
}
