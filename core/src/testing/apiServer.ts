import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createCorral } from '../kernel/boot.js';
import type { Corral } from '../kernel/Corral.js';
import { createApiServer } from '../server/server.js';
import type { ApiServer, ApiServerOptions, ServerLogger } from '../server/types.js';
import { openStore } from '../store/openStore.js';
import type { Store } from '../store/types.js';
import { startEtcd, type EtcdProcess } from './etcd.js';

// An API server for tests and benchmarks: its own store (a temp dir, or a fresh etcd), a free
// loopback port, its log kept in memory (printed too when CORRAL_TEST_LOG is set).

export interface TestApiServerOptions {
  backend: 'embedded' | 'etcd';
  /** A config file layered on the defaults (plugins, ...). */
  configFile?: string;
  /** An etcd already running: keys go under a fresh prefix in it instead of a new etcd. */
  etcdEndpoint?: string;
  /** More server options (tls, maxBodyBytes, bookmarkIntervalMs, ...). */
  server?: Partial<Omit<ApiServerOptions, 'corral' | 'store'>>;
}

export interface TestApiServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  store: Store;
  corral: Corral;
  server: ApiServer;
  /** What the server logged: "level message" lines. */
  logs: string[];
  close(): Promise<void>;
}

function memoryLogger(logs: string[]): ServerLogger {
  const print = Boolean(process.env.CORRAL_TEST_LOG);
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const line = `${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`;
    logs.push(line);
    if (print) console.error(line);
  };
  return { error: at('error'), warn: at('warn'), info: at('info') };
}

export async function startTestApiServer(options: TestApiServerOptions): Promise<TestApiServer> {
  const corral = await createCorral({ role: 'server', configFile: options.configFile });
  let etcd: EtcdProcess | undefined;
  let dir: string | undefined;
  let store: Store;
  if (options.backend === 'etcd') {
    const endpoint = options.etcdEndpoint ?? (etcd = await startEtcd()).endpoint;
    const prefix = options.etcdEndpoint ? `/corral-test-${randomBytes(4).toString('hex')}` : undefined;
    store = await openStore({ etcd: { endpoints: [endpoint], ...(prefix ? { prefix } : {}) } });
  } else {
    dir = await mkdtemp(join(tmpdir(), 'corral-api-'));
    store = await openStore({ embedded: { dir, onNotice: () => undefined } });
  }
  const logs: string[] = [];
  let server: ApiServer;
  try {
    server = await createApiServer({ listen: '127.0.0.1:0', logger: memoryLogger(logs), ...options.server, corral, store });
  } catch (err) {
    await store.close();
    await etcd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    url: server.url,
    store,
    corral,
    server,
    logs,
    close() {
      closed ??= (async () => {
        await server.close();
        await store.close();
        await etcd?.stop();
        if (dir) await rm(dir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
