import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { createCorral } from '../../kernel/boot.js';
import { openStore } from '../../store/openStore.js';
import type { StoreConfig } from '../../store/types.js';
import type { CliContext, GlobalArgs } from '../context.js';

interface UpArgs extends GlobalArgs {
  'data-dir'?: string;
}

/**
 * `corral up`: the whole of Corral on one machine, on the embedded store. Runs until SIGINT or
 * SIGTERM; started again on the same data dir it carries on from the same store.
 */
export function upCommand(ctx: CliContext): CommandModule<GlobalArgs, UpArgs> {
  return {
    command: 'up',
    describe: 'Run Corral on this machine on the embedded store, until Ctrl-C',
    builder: (y) =>
      y.option('data-dir', {
        type: 'string',
        describe: "the embedded store's directory",
        defaultDescription: 'the config\'s store.embedded.dir (.corral/data)',
      }),
    handler: async (argv) => {
      const corral = await createCorral({ role: 'all', configFile: argv.config });
      const storeConfig: StoreConfig | undefined = argv['data-dir'] !== undefined ? { embedded: { dir: argv['data-dir'] } } : corral.config.store;
      if (!storeConfig) throw new Error('no store configured: give --data-dir DIR, or a store: section in the config file');
      const where = 'embedded' in storeConfig ? `embedded store in ${resolve(storeConfig.embedded.dir)}` : `etcd at ${storeConfig.etcd.endpoints.join(', ')}`;
      const store = await openStore(storeConfig);
      try {
        await corral.hooks.started.promise();
        ctx.stdout.write(
          [
            `Corral is up: ${where}, revision ${await store.currentRevision()}.`,
            `Plugins: ${corral.plugins.map((p) => p.name).join(', ') || '(none)'}; ${corral.resources.list().length} kinds registered.`,
            'Run "corral plugins" to see what each plugin taps. Ctrl-C stops.',
            '',
          ].join('\n'),
        );
        await untilSignal();
        ctx.stdout.write('Stopping.\n');
      } finally {
        await corral.hooks.shutdown.promise();
        await store.close();
      }
    },
  };
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    // Signal handlers alone do not keep Node running.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const on = (signal: NodeJS.Signals): void => {
      clearInterval(keepAlive);
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
