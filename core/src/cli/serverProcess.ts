import { join, resolve } from 'node:path';
import type { ApiClient } from '../client/ApiClient.js';
import { defaultIdentity } from '../client/leader/identity.js';
import { startComponents, type RunningComponents } from '../components/startComponents.js';
import { startControllerManager, type ControllerManager } from '../controllers/ControllerManager.js';
import type { Corral, Role } from '../kernel/Corral.js';
import { createCorral } from '../kernel/boot.js';
import { DEFAULT_LISTEN, isLoopback, ListenError, parseListen } from '../server/listen.js';
import { consoleLogger } from '../server/log.js';
import { createApiServer } from '../server/server.js';
import { startScheduler, type ApiScheduler } from '../scheduler/api/startScheduler.js';
import type { ApiServer, ApiServerOptions } from '../server/types.js';
import { isStoreError } from '../store/errors.js';
import { openStore } from '../store/openStore.js';
import type { Store, StoreConfig } from '../store/types.js';
import type { ServerArgs } from './commands/server.js';
import type { CliContext } from './context.js';
import { loopbackClient } from './loopbackClient.js';

// The server's process: the API server, its store and the control plane. Loaded by `corral
// server` and `corral up` only when they run, so no other command pays for koa, the store or
// the controllers.

/** A running server process: the kernel, its store and the API. */
export interface ServerProcess {
  corral: Corral;
  store: Store;
  api: ApiServer;
  /** "the embedded store in /x", "etcd at http://..." */
  storeDescription: string;
  /** The CA's file when serving HTTPS. */
  caFile?: string;
  /** The control plane beside the API, through a loopback client. */
  controllers: ControllerManager;
  scheduler?: ApiScheduler;
  stop(): Promise<void>;
}

/** Starts the controller manager and the scheduler against the process's own API. */
async function startControlPlane(
  corral: Corral,
  api: ApiServer,
  leaderElection: boolean,
): Promise<{ client: ApiClient; controllers: ControllerManager; scheduler?: ApiScheduler; components: RunningComponents }> {
  const client = loopbackClient(api, 'corral-control-plane', ['system:masters'], { userAgent: 'corral-control-plane' });
  const identity = defaultIdentity();
  const controllers = await startControllerManager({ corral, client, identity, leaderElection, logger: consoleLogger });
  let scheduler: ApiScheduler | undefined;
  try {
    // A config with no scheduler profiles runs no scheduler (another one may serve the pods).
    // One informer per kind for the whole process: the scheduler and the components read the
    // controller manager's caches rather than list, watch and decode each kind again.
    const informers = controllers.shared;
    scheduler = corral.schedulerProfiles.size > 0 ? await startScheduler({ corral, client, identity, leaderElection, logger: consoleLogger, informers }) : undefined;
    // The plugins' server components (cluster DNS, ...) run on every server, leader or not.
    const components = await startComponents({ corral, client, kind: 'server', logger: consoleLogger, informers });
    return { client, controllers, components, ...(scheduler ? { scheduler } : {}) };
  } catch (err) {
    await scheduler?.stop();
    await controllers.stop();
    client.close();
    throw err;
  }
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
export async function startServerProcess(ctx: CliContext, argv: ServerArgs, role: Role, leaderElection = false): Promise<ServerProcess | undefined> {
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
  let plane: Awaited<ReturnType<typeof startControlPlane>>;
  try {
    plane = await startControlPlane(corral, api, leaderElection);
  } catch (err) {
    await api.close();
    await store.close();
    throw err;
  }
  await corral.hooks.started.promise();
  return {
    corral,
    store,
    api,
    storeDescription: describeStore(storeConfig),
    caFile,
    controllers: plane.controllers,
    ...(plane.scheduler ? { scheduler: plane.scheduler } : {}),
    async stop() {
      // The control plane first: it releases its leases through the API.
      await plane.components.stop();
      await plane.scheduler?.stop();
      await plane.controllers.stop();
      plane.client.close();
      await api.close();
      await corral.hooks.shutdown.promise();
      await store.close();
    },
  };
}
