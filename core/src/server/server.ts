// createApiServer: everything the API server is, assembled once and started.
import type { ApiObject } from '../api/types.js';
import { Admission } from './admission.js';
import { createRequestListener } from './app.js';
import { DEFAULT_MAX_BODY_BYTES } from './body.js';
import type { ServerCore } from './core.js';
import { createListener, DEFAULT_LISTEN, isLoopback, listen, parseListen, urlHost } from './listen.js';
import { consoleLogger } from './log.js';
import { NamespaceFinalizer } from './namespaces/finalizer.js';
import { NamespaceLifecycle } from './namespaces/lifecycle.js';
import { ResourceIndex } from './resources.js';
import { serviceRanges, serviceRangesOf } from './services/index.js';
import type { NamespaceGate, Storage } from './storage/context.js';
import { servingCertificates, servingHosts, type ServingCertificates } from './tls.js';
import type { ApiServer, ApiServerOptions } from './types.js';
import { WatchRegistry } from './watch/serve.js';

const DEFAULT_BOOKMARK_MS = 60_000;
const DEFAULT_NAMESPACE_RETRY_MS = 10_000;
/** How long open connections get to finish when the server closes. */
const CLOSE_GRACE_MS = 2000;

const ALLOW_ALL: NamespaceGate = { checkCreate: async () => undefined };

export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { corral, store } = options;
  const logger = options.logger ?? consoleLogger;
  const definitions = corral.resources.list();
  const index = new ResourceIndex(definitions);
  const namespaces = index.find('', 'Namespace');
  const gate: { current: NamespaceGate } = { current: ALLOW_ALL };
  const servicesResource = index.find('', 'Service');
  const ranges = servicesResource && serviceRanges(store, servicesResource, logger, options.services ?? serviceRangesOf(corral));
  const storage: Storage = {
    store,
    corral,
    admission: new Admission(corral),
    namespaces: { checkCreate: (ns, what, name) => gate.current.checkCreate(ns, what, name) },
    allocations: ranges?.hooks,
  };
  const core: ServerCore = {
    storage,
    index,
    watches: new WatchRegistry(),
    logger,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_MS,
  };

  // Without a Namespace kind registered there are no namespace rules to keep.
  const finalizer = namespaces && new NamespaceFinalizer(storage, index, namespaces, logger, options.namespaceRetryMaxMs ?? DEFAULT_NAMESPACE_RETRY_MS);
  const lifecycle = namespaces && new NamespaceLifecycle(storage, namespaces, logger, (ns: ApiObject) => finalizer!.observe(ns));
  if (lifecycle) gate.current = lifecycle;

  let shuttingDown = false;
  const listener = createRequestListener({
    core,
    definitions,
    health: { store, shuttingDown: () => shuttingDown },
    authenticate: options.authenticate,
    authorize: options.authorize,
  });

  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  const secure = options.tls === undefined ? !isLoopback(host) : options.tls !== false;
  const certs: ServingCertificates | undefined = secure
    ? servingCertificates(servingHosts(host), typeof options.tls === 'object' ? options.tls.dir : undefined)
    : undefined;
  const { server, destroyUpgraded } = createListener(listener, certs);

  const stopBackground = async (): Promise<void> => {
    await ranges?.repair.stop();
    await lifecycle?.stop();
    await finalizer?.stop();
  };
  let boundPort: number;
  try {
    await lifecycle?.start();
    await ranges?.repair.start();
    boundPort = await listen(server, host, port);
  } catch (err) {
    await stopBackground();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    url: `${secure ? 'https' : 'http'}://${urlHost(host)}:${boundPort}`,
    caCertificate: certs?.caCertificate,
    ...(certs ? { issueClientCertificate: certs.issueClientCertificate } : {}),
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        core.watches.endAll();
        destroyUpgraded();
        // Connections become idle as their last response ends (the watches just ended): close
        // them as they do, and whatever is still busy after the grace period.
        server.closeIdleConnections();
        const idle = setInterval(() => server.closeIdleConnections(), 25);
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        await stopBackground();
        await closed;
        clearInterval(idle);
        clearTimeout(force);
      })();
      return closing;
    },
  };
}
