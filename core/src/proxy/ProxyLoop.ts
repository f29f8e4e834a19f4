// The service proxy loop (kube-proxy's): watch Services and Endpoints, and after every change
// (batched) hand the whole desired table to the data path chosen in the config, with what
// changed since the last sync (see changes.ts). Only the Services that events touched are built
// again. A failed sync is retried with backoff; a periodic resync looks at every Service again
// and repairs state changed behind the proxy's back.
import type { Endpoints, Service } from '../api/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import { cacheKey } from '../client/informer/ObjectCache.js';
import { informerFor, type Informer } from '../client/informer/Informer.js';
import type { Corral } from '../kernel/Corral.js';
import { namedHookKeys } from '../kernel/hook-maps.js';
import type { ProxyDataPath, ServiceTable } from '../kernel/contracts/proxy.js';
import { tableChanges } from './changes.js';
import { TableBuilder } from './TableBuilder.js';

export interface ProxyOptions {
  corral: Corral;
  client: ApiClient;
  nodeName: string;
  /** The node's addresses, for NodePorts. */
  nodeIPs: readonly string[];
  /** The data path's name; default the config's agent.network.services, else 'userspace'. */
  dataPath?: string;
  /** Changes within this window go out in one sync; default 100 ms. */
  batchMs?: number;
  /** A full sync at least this often; default 30 s. */
  resyncMs?: number;
  onError?: (message: string) => void;
}

export interface RunningProxy {
  readonly dataPath: ProxyDataPath;
  /** Resolves after the next sync that includes every change seen so far. */
  synced(): Promise<ServiceTable>;
  /** The table last programmed. */
  readonly table: ServiceTable | undefined;
  /** Stops watching and removes what the data path installed. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const { corral, client } = options;
  const name = options.dataPath ?? corral.config.agent.network?.services ?? 'userspace';
  const dataPath = corral.hooks.proxyDataPath.for(name).call({ nodeName: options.nodeName, nodeIPs: options.nodeIPs });
  if (!dataPath) {
    const offered = namedHookKeys(corral.hooks.proxyDataPath).filter((k) => corral.hooks.proxyDataPath.get(k)?.isUsed());
    throw new Error(
      `no service data path named "${name}" (agent.network.services): ${offered.length ? `plugins offer ${offered.map((k) => `"${k}"`).join(', ')}` : 'no plugin offers one'}`,
    );
  }
  const onError = options.onError ?? ((m: string) => process.stderr.write(`proxy: ${m}\n`));
  const services: Informer<Service> = informerFor<Service>(client, 'services', { onError: (e) => onError(`watching services: ${String(e)}`) });
  const endpoints: Informer<Endpoints> = informerFor<Endpoints>(client, 'endpoints', { onError: (e) => onError(`watching endpoints: ${String(e)}`) });

  const builder = new TableBuilder(
    () => services.cache.list().map((s) => cacheKey(s)),
    (key) => services.cache.get(key),
    (key) => endpoints.cache.get(key),
  );
  const batchMs = options.batchMs ?? 100;
  let table: ServiceTable | undefined;
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> | undefined;
  let dirty = true;
  let failures = 0;
  let stopped = false;
  let waiters: { resolve: (t: ServiceTable) => void; reject: (e: unknown) => void }[] = [];

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), ms);
  };
  const changed = () => {
    dirty = true;
    // A sync already due stays due: a steady stream of changes (a rollout, many nodes' pods
    // turning ready) must not keep pushing it back. A change during a backoff after a failed
    // sync brings the retry forward.
    if (syncing || (timer && failures === 0)) return;
    schedule(batchMs);
  };

  const sync = async () => {
    dirty = false;
    const pending = waiters;
    waiters = [];
    try {
      const final = await corral.hooks.syncServices.promise(builder.build());
      // Counted from the last table synced without error, whatever the taps did to this one.
      await dataPath.sync(final, tableChanges(table, final));
      table = final;
      failures = 0;
      await corral.hooks.servicesSynced.promise(final).catch((e: unknown) => onError(`a servicesSynced tap failed: ${String(e)}`));
      for (const w of pending) w.resolve(final);
    } catch (err) {
      failures++;
      dirty = true;
      waiters.push(...pending);
      onError(`syncing the ${name} data path failed (attempt ${failures}); will retry: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const run = async () => {
    timer = undefined;
    if (stopped || syncing) return;
    syncing = sync();
    await syncing;
    syncing = undefined;
    if (dirty) schedule(failures ? Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures) : batchMs);
  };

  const touched = (obj: Service | Endpoints) => {
    builder.mark(cacheKey(obj));
    changed();
  };
  for (const inf of [services, endpoints] as Informer<Service | Endpoints>[]) {
    inf.onAdd(touched);
    inf.onUpdate((_old, obj) => touched(obj));
    inf.onDelete(touched);
    inf.start();
  }
  await Promise.all([services.waitForSync(), endpoints.waitForSync()]);
  await run();
  const resync = setInterval(() => {
    builder.markAll();
    changed();
  }, options.resyncMs ?? 30_000);
  resync.unref();

  return {
    dataPath,
    get table() {
      return table;
    },
    synced() {
      return new Promise<ServiceTable>((resolve, reject) => {
        waiters.push({ resolve, reject });
        changed();
      });
    },
    async stop() {
      stopped = true;
      clearInterval(resync);
      if (timer) clearTimeout(timer);
      await syncing;
      await Promise.all([services.stop(), endpoints.stop()]);
      for (const w of waiters) w.reject(new Error('the proxy stopped'));
      await dataPath.close();
    },
  };
}
