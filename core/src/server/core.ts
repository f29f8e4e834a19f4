import type { ResourceIndex } from './resources.js';
import type { Storage, WriteContext } from './storage/context.js';
import type { Target } from './target.js';
import type { ServerContext, ServerLogger } from './types.js';
import type { WatchRegistry } from './watch/serve.js';
import type { WriteQuery } from './query.js';

/** What every handler works with: built once when the server starts. */
export interface ServerCore {
  readonly storage: Storage;
  readonly index: ResourceIndex;
  readonly watches: WatchRegistry;
  readonly logger: ServerLogger;
  readonly maxBodyBytes: number;
  readonly bookmarkIntervalMs: number;
}

/** A handler for one verb on a resolved target. */
export type Handler = (core: ServerCore, ctx: ServerContext, target: Target) => Promise<void>;

export function writeContext(ctx: ServerContext, query: Pick<WriteQuery, 'dryRun'>): WriteContext {
  return { user: ctx.state.user, dryRun: query.dryRun };
}
