// Starts the plugins' components that belong in this process, in registration order, and
// stops them in reverse. A component that fails to start stops the ones started before it:
// nothing runs half-configured.
import type { ApiClient } from '../client/ApiClient.js';
import { SharedInformerSet } from '../controllers/SharedInformerSet.js';
import type { ComponentContext, RunningComponent } from '../kernel/contracts/components.js';
import type { SharedInformers } from '../kernel/contracts/controllers.js';
import type { Corral } from '../kernel/Corral.js';

export interface StartComponentsOptions {
  corral: Corral;
  client: ApiClient;
  /** 'server' or 'agent' work of the process (`all` starts both, in two calls). */
  kind: 'server' | 'agent';
  nodeName?: string;
  nodeIPs?: readonly string[];
  dataDir?: string;
  logger?: ComponentContext['logger'];
  /** Caches shared with the rest of the process (the controller manager's); their owner stops them. Default: a set of the components' own. */
  informers?: SharedInformers;
}

export interface RunningComponents {
  readonly names: readonly string[];
  stop(): Promise<void>;
}

const consoleLogger: ComponentContext['logger'] = {
  warn: (m) => process.stderr.write(`${m}\n`),
  error: (m) => process.stderr.write(`${m}\n`),
  info: () => undefined,
};

export async function startComponents(options: StartComponentsOptions): Promise<RunningComponents> {
  const { corral, client } = options;
  const registrations = corral.components.list(options.kind);
  const logger = options.logger ?? consoleLogger;
  // A set made here is stopped here; a shared one belongs to whoever made it.
  let own: SharedInformerSet | undefined;
  const informers: SharedInformers =
    options.informers ??
    (own = new SharedInformerSet({
      client,
      resources: corral.resources,
      onError: (kind, err) => logger.warn(`components: watching ${kind.kind}: ${err instanceof Error ? err.message : String(err)}`),
    }));
  const running: { name: string; component: RunningComponent }[] = [];
  const stopAll = async () => {
    for (const { name, component } of running.reverse()) {
      await component.stop().catch((err: unknown) => logger.error(`component ${name} did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`));
    }
    running.length = 0;
    await own?.stop();
  };
  for (const registration of registrations) {
    try {
      const component = await registration.start({
        role: corral.role,
        client,
        informers,
        nodeName: options.nodeName,
        nodeIPs: options.nodeIPs,
        dataDir: options.dataDir,
        logger,
      });
      running.push({ name: registration.name, component });
    } catch (err) {
      await stopAll();
      throw new Error(`component "${registration.name}" failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { names: registrations.map((r) => r.name), stop: stopAll };
}
