// A whole control plane for tests of controllers and plugins: a test API server whose config
// adds the given plugins to the default list, a client, the controller manager and the
// scheduler (both on by default), and optionally a HollowAgent with hollow nodes that run pods
// through the API. `stop()` tears it all down in order.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ApiClient } from '../client/ApiClient.js';
import type { Clock } from '../client/informer/clock.js';
import type { LeaderElectionSettings } from '../client/leader/fromSettings.js';
import { startControllerManager, type ControllerManager } from '../controllers/ControllerManager.js';
import type { ControlPlaneLogger } from '../controllers/logger.js';
import { CONFIG_API_VERSION, CONFIG_KIND, type PluginEntryConfig } from '../kernel/config/schema.js';
import type { Corral } from '../kernel/Corral.js';
import { loadConfig } from '../kernel/config/load.js';
import { startScheduler, type ApiScheduler, type StartSchedulerOptions } from '../scheduler/api/startScheduler.js';
import { startTestApiServer, type TestApiServer, type TestApiServerOptions } from './apiServer.js';
import { HollowAgent, type HollowAgentOptions } from './hollowAgent.js';

export interface TestControlPlaneOptions {
  /** Default 'embedded'. */
  backend?: TestApiServerOptions['backend'];
  etcdEndpoint?: string;
  /**
   * Plugins added to the default list: package names, or paths (relative ones to the cwd), or
   * entries with options. Of the built-ins, only the kinds, the scheduler plugins and these run
   * unless `allDefaults` is set.
   */
  plugins?: readonly (string | PluginEntryConfig)[];
  /** Keep every built-in plugin of the default config (the whole of `corral server`). */
  allDefaults?: boolean;
  /** More top-level config (scheduler profiles, ...), layered like a config file. */
  config?: Record<string, unknown>;
  server?: TestApiServerOptions['server'];
  /** Run the controller manager (default true). */
  controllers?: boolean;
  /** Run the scheduler (default true), on the controller manager's informers if it runs (`informers: undefined`: on its own). */
  scheduler?: boolean | Omit<StartSchedulerOptions, 'corral' | 'client'>;
  /** Start a HollowAgent: a node count, or its options. */
  hollow?: number | Omit<HollowAgentOptions, 'client'>;
  leaderElection?: boolean | LeaderElectionSettings;
  clock?: Clock;
  /** Default: errors to stderr, the rest dropped; set CORRAL_TEST_LOG to see all. */
  logger?: ControlPlaneLogger;
}

export interface TestControlPlane {
  url: string;
  client: ApiClient;
  api: TestApiServer;
  corral: Corral;
  controllers?: ControllerManager;
  scheduler?: ApiScheduler;
  hollow?: HollowAgent;
  stop(): Promise<void>;
}

const KEPT_DEFAULTS = new Set(['@corral/plugin-resources', '@corral/plugin-scheduling']);

function pluginEntry(entry: string | PluginEntryConfig): PluginEntryConfig {
  const e = typeof entry === 'string' ? { name: entry } : entry;
  const isPath = e.name.startsWith('.') || isAbsolute(e.name);
  return isPath ? { ...e, name: resolve(e.name) } : e;
}

const testLogger: ControlPlaneLogger = {
  error: (message) => process.stderr.write(`control plane: ${message}\n`),
  warn: (message) => (process.env.CORRAL_TEST_LOG ? process.stderr.write(`control plane: ${message}\n`) : undefined),
  info: (message) => (process.env.CORRAL_TEST_LOG ? process.stderr.write(`control plane: ${message}\n`) : undefined),
};

export async function startTestControlPlane(options: TestControlPlaneOptions = {}): Promise<TestControlPlane> {
  const configDir = await mkdtemp(join(tmpdir(), 'corral-cp-'));
  const configFile = join(configDir, 'config.json');
  const asked = (options.plugins ?? []).map(pluginEntry);
  // A test sees the controllers it asks for (and the kinds and scheduler plugins), not every
  // built-in: other controllers would act on its objects too.
  const others = options.allDefaults
    ? []
    : (await loadConfig()).config.plugins
        .map((p) => p.name)
        .filter((name) => !KEPT_DEFAULTS.has(name) && !asked.some((a) => a.name === name))
        .map((name) => ({ name, enabled: false }));
  const config = { apiVersion: CONFIG_API_VERSION, kind: CONFIG_KIND, ...options.config, plugins: [...asked, ...others] };
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const logger = options.logger ?? testLogger;
  let api: TestApiServer | undefined;
  let client: ApiClient | undefined;
  let controllers: ControllerManager | undefined;
  let scheduler: ApiScheduler | undefined;
  let hollow: HollowAgent | undefined;
  const stopAll = async (): Promise<void> => {
    await hollow?.stop();
    await scheduler?.stop();
    await controllers?.stop();
    client?.close();
    await api?.close();
    await rm(configDir, { recursive: true, force: true });
  };
  try {
    api = await startTestApiServer({
      backend: options.backend ?? 'embedded',
      configFile,
      ...(options.etcdEndpoint ? { etcdEndpoint: options.etcdEndpoint } : {}),
      ...(options.server ? { server: options.server } : {}),
    });
    client = new ApiClient({ server: api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
    const corral = api.corral;
    if (options.controllers !== false) {
      controllers = await startControllerManager({ corral, client, clock: options.clock, leaderElection: options.leaderElection, logger });
    }
    if (options.scheduler !== false) {
      const extra = typeof options.scheduler === 'object' ? options.scheduler : {};
      // As `corral server` runs it: on the controller manager's informers when there is one.
      scheduler = await startScheduler({ logger, ...(controllers ? { informers: controllers.shared } : {}), ...extra, ...(options.leaderElection ? { leaderElection: options.leaderElection } : {}), corral, client });
    }
    if (options.hollow !== undefined) {
      const hollowOptions = typeof options.hollow === 'number' ? { nodes: options.hollow } : options.hollow;
      hollow = await HollowAgent.start({ ...hollowOptions, client });
    }
    let stopped: Promise<void> | undefined;
    return {
      url: api.url,
      client,
      api,
      corral,
      ...(controllers ? { controllers } : {}),
      ...(scheduler ? { scheduler } : {}),
      ...(hollow ? { hollow } : {}),
      stop: () => (stopped ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
