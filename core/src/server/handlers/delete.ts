// DELETE of one object and of a collection (with selectors).
import { ApiError, successStatus } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import { readOptionalBody } from '../body.js';
import { writeContext, type Handler } from '../core.js';
import { negotiate, OBJECT_OUTPUTS, send } from '../negotiate.js';
import { deleteOptions, listQuery } from '../query.js';
import type { ServedResource } from '../resources.js';
import { deleteObject, type DeleteResult } from '../storage/delete.js';
import { listObjects } from '../storage/list.js';
import type { ServerContext } from '../types.js';
import { sendObject } from './output.js';

/** The answer Kubernetes gives: the object for some kinds and pending deletions, else a Status. */
export function sendDeleted(ctx: ServerContext, res: ServedResource, result: DeleteResult, status = 200): void {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  if (!result.deleted || res.rules.returnDeletedObject) {
    sendObject(ctx, res, result.object, output, status);
    return;
  }
  const meta = result.object.metadata;
  send(ctx, status, successStatus({ name: meta.name, group: res.group, kind: res.plural, uid: meta.uid }), output);
}

export const deleteHandler: Handler = async (core, ctx, target) => {
  const options = deleteOptions(ctx.query, await readOptionalBody(ctx, core.maxBodyBytes));
  const result = await deleteObject(core.storage, target.resource, target.namespace, target.name!, options, writeContext(ctx, options));
  sendDeleted(ctx, target.resource, result);
};

export const deleteCollectionHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const options = deleteOptions(ctx.query, await readOptionalBody(ctx, core.maxBodyBytes));
  const res = target.resource;
  const listed = await listObjects(core.storage, res, target.namespace, { ...listQuery(res, ctx.query), limit: 0, continue: undefined });
  const deleted: ApiObject[] = [];
  for (const obj of listed.items) {
    try {
      const result = await deleteObject(core.storage, res, obj.metadata.namespace, obj.metadata.name!, options, writeContext(ctx, options));
      deleted.push(result.object);
    } catch (err) {
      // Gone meanwhile: that is what was asked.
      if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
    }
  }
  send(ctx, 200, { apiVersion: res.apiVersion, kind: res.def.listKind, metadata: { resourceVersion: listed.resourceVersion }, items: deleted }, output);
};
