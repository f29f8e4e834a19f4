import type { ApiClient } from '../../client/ApiClient.js';
import type { Role } from '../Corral.js';
import type { SharedInformers } from './controllers.js';

/** Handed to a component's `start`. */
export interface ComponentContext {
  /** The process's role; a component asked for in `server` runs in `all` too. */
  readonly role: Role;
  readonly client: ApiClient;
  /** Shared caches, as controllers have them (synced on first use: await `waitForSync`). */
  readonly informers: SharedInformers;
  /** The node this process runs for (agent roles). */
  readonly nodeName?: string;
  /** The node's addresses (agent roles). */
  readonly nodeIPs?: readonly string[];
  /** The process's state directory. */
  readonly dataDir?: string;
  readonly logger: { warn(message: string): void; error(message: string): void; info(message: string): void };
}

export interface RunningComponent {
  /** Stops the component; called once, at shutdown, in reverse start order. */
  stop(): Promise<void>;
}

/**
 * Long-lived work of a plugin that needs the API but is not a reconciler: a DNS server, an
 * exporter, a node-local cache. Registered through `registerComponents`; the process starts it
 * after the API is reachable, in the roles it names (it keeps running on every server, leader or not).
 */
export interface ComponentRegistration {
  /** Unique among components. */
  readonly name: string;
  /** Where it runs: 'server' (the default) and/or 'agent'; 'all' runs both kinds. */
  readonly roles?: readonly ('server' | 'agent')[];
  start(ctx: ComponentContext): Promise<RunningComponent>;
}
