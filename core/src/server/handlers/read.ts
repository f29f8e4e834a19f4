// GET, LIST and WATCH.
import type { Handler } from '../core.js';
import { negotiate, RESOURCE_OUTPUTS } from '../negotiate.js';
import { boolParam, listQuery, watchQuery } from '../query.js';
import { getObject } from '../storage/context.js';
import { listObjects } from '../storage/list.js';
import { serveWatch } from '../watch/serve.js';
import { includeObjectOf, sendList, sendObject } from './output.js';

export const getHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, RESOURCE_OUTPUTS);
  const obj = await getObject(core.storage, target.resource, target.namespace, target.name!);
  sendObject(ctx, target.resource, obj, output);
};

export const listHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, RESOURCE_OUTPUTS);
  const listed = await listObjects(core.storage, target.resource, target.namespace, listQuery(target.resource, ctx.query));
  sendList(ctx, target.resource, listed, output);
};

export const watchHandler: Handler = async (core, ctx, target) => {
  let output = negotiate(ctx, RESOURCE_OUTPUTS);
  // Watch streams are JSON; a client asking for YAML gets JSON events as from Kubernetes.
  if (output.as === 'yaml') output = { as: 'json' };
  await serveWatch(
    ctx,
    core.storage,
    {
      res: target.resource,
      namespace: target.namespace,
      name: target.name,
      query: watchQuery(target.resource, ctx.query, target.name),
      output,
      includeObject: includeObjectOf(ctx.query),
    },
    { bookmarkIntervalMs: core.bookmarkIntervalMs, registry: core.watches },
  );
};

/** GET on a collection: a watch when asked for (`?watch=1` or the `/watch/` path), else a list. */
export const collectionGetHandler: Handler = async (core, ctx, target) => {
  const watch = target.legacyWatch || boolParam(ctx.query, 'watch') === true;
  await (watch ? watchHandler : listHandler)(core, ctx, target);
};
