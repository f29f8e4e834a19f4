import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { Corral, Role } from '../../kernel/Corral.js';
import { createCorral } from '../../kernel/boot.js';
import { DEFAULT_LISTEN, isLoopback, ListenError, parseListen } from '../../server/listen.js';
import { consoleLogger } from '../../server/log.js';
import { createApiServer } from '../../server/server.js';
import type { ApiServer, ApiServerOptions } from '../../server/types.js';
import { isStoreError } from '../../store/errors.js';
import { openStore } from '../../store/openStore.js';
import type { Store, StoreConfig } from '../../store/types.js';
import type { CliContext, GlobalArgs } from '../context.js';

export interface ServerArgs extends GlobalArgs {
  listen?: string;
  'data-dir'?: string;
  'etcd-endpoints'?: string;
  tls?: boolean;
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

/** A running server process: the kernel, its store and the API. */
export interface ServerProcess {
  corral: Corral;
  store: Store;
  api: ApiServer;
  /** "the embedded store in /x", "etcd at http://..." */
  storeDescription: string;
  /** The CA's file when serving HTTPS. */
  caFile?: string;
  stop(): Promise<void>;
}

function storeConfigOf(corral: Corral, argv: ServerArgs): StoreConfig {
  if (argv['etcd-endpoints']) {
    return { etcd: { endpoints: argv['etcd-endpoints'].split(',').map((e) => e.trim()).filter(Boolean) } };
  }
  const dir = argv['data-dir'] ?? corral.config.server.dataDir;
  if (dir !== undefined) return { embedded: { dir } };
  if (corral.config.store) return corral.config.store;
  throw new Error('no store configured: give --data-dir DIR or --etcd-endpoints URLS, or a store: section in the config file');
}

function describeStore(config: StoreConfig): string {
  return 'embedded' in config ? `the embedded store in ${resolve(config.embedded.dir)}` : `etcd at ${config.etcd.endpoints.join(', ')}`;
}

/** Where the CA and serving certificate live: beside the data, so they survive restarts. */
function pkiDir(config: StoreConfig, argv: ServerArgs, corral: Corral): string {
  const dataDir = argv['data-dir'] ?? corral.config.server.dataDir ?? ('embedded' in config ? config.embedded.dir : '.corral');
  return join(resolve(dataDir), 'pki');
}

/**
 * Boots the kernel in `role`, opens the store and starts the API. Problems a person can fix
 * (port in use, data dir locked, etcd unreachable) are written to stderr as one clear sentence
 * and answer undefined; the caller sets the exit code.
 */
export async function startServerProcess(ctx: CliContext, argv: ServerArgs, role: Role): Promise<ServerProcess | undefined> {
  const corral = await createCorral({ role, configFile: argv.config });
  const storeConfig = storeConfigOf(corral, argv);
  let store: Store;
  try {
    store = await openStore(storeConfig);
  } catch (err) {
    if (!isStoreError(err)) throw err;
    ctx.stderr.write(`corral: cannot open ${describeStore(storeConfig)}: ${err.message}\n`);
    return undefined;
  }
  const listen = argv.listen ?? corral.config.server.listen ?? DEFAULT_LISTEN;
  let tls: ApiServerOptions['tls'];
  let caFile: string | undefined;
  try {
    const secure = argv.tls ?? !isLoopback(parseListen(listen).host);
    const dir = pkiDir(storeConfig, argv, corral);
    tls = secure ? { dir } : false;
    if (secure) caFile = join(dir, 'ca.crt');
  } catch (err) {
    await store.close();
    ctx.stderr.write(`corral: ${(err as Error).message}\n`);
    return undefined;
  }
  let api: ApiServer;
  try {
    api = await createApiServer({ corral, store, listen, tls, logger: consoleLogger });
  } catch (err) {
    await store.close();
    if (!(err instanceof ListenError) && !isStoreError(err)) throw err;
    ctx.stderr.write(`corral: ${err.message}\n`);
    return undefined;
  }
  await corral.hooks.started.promise();
  return {
    corral,
    store,
    api,
    storeDescription: describeStore(storeConfig),
    caFile,
    async stop() {
      await api.close();
      await corral.hooks.shutdown.promise();
      await store.close();
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
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

/**
 * `corral server`: the API server (and, as plugins add them, controllers and the scheduler) on
 * the embedded store or etcd, until SIGINT or SIGTERM.
 */
export function serverCommand(ctx: CliContext): CommandModule<GlobalArgs, ServerArgs> {
  return {
    command: 'server',
    describe: 'Run the API server (and the control plane) on the embedded store or etcd, until SIGINT/SIGTERM',
    builder: (y) => serverOptions(y),
    handler: async (argv) => {
      const running = await startServerProcess(ctx, argv, 'server');
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
